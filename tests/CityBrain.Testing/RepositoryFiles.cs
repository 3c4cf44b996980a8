namespace CityBrain.Testing;

/// <summary>Finds files of the repository from the test's output folder.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(Path(relative));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "CityBrain.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("CityBrain.sln not found above " + AppContext.BaseDirectory);
    }
}
