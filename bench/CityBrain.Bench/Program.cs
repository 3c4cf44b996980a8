Console.WriteLine("usage: bench <actors|storage|deadlines>");
