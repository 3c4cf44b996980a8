Console.WriteLine("CityBrain silo: not yet wired.");
