namespace ActorConnect.TestSupport;

/// <summary>Where the build put tests/ActorConnect.TestPlugin, and how to install it into a plugin.path folder.</summary>
public static class TestPluginBuild
{
    public const string AssemblyName = "ActorConnect.TestPlugin";
    public const string AssemblyFile = AssemblyName + ".dll";

    /// <summary>
    /// tests/ActorConnect.TestPlugin/bin/&lt;Configuration&gt;/&lt;tfm&gt;/, with the configuration and target framework of
    /// this test assembly's own output folder (bin/&lt;Configuration&gt;/&lt;tfm&gt;/): CI builds Release, local runs Debug.
    /// </summary>
    public static string OutputFolder =>
        Path.Combine(RepoPaths.RepoRoot, "tests", AssemblyName, "bin", RepoPaths.BuildConfiguration, Path.GetFileName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)));

    public static string DllPath => Path.Combine(OutputFolder, AssemblyFile);

    /// <summary>Copies only the plugin's own assembly into <c>root/plugins/echo/</c>; returns the plugins folder.</summary>
    public static string InstallDllOnly(string root)
    {
        var plugins = Path.Combine(root, "plugins");
        var echo = Directory.CreateDirectory(Path.Combine(plugins, "echo")).FullName;
        Xunit.Assert.True(File.Exists(DllPath), $"{DllPath} is missing: build tests/{AssemblyName} first");
        File.Copy(DllPath, Path.Combine(echo, AssemblyFile));
        return Path.GetFullPath(plugins);
    }

    /// <summary>Copies the plugin's whole build output (its dependencies included) into <c>root/plugins/echo/</c>.</summary>
    public static string InstallBuildOutput(string root)
    {
        var plugins = Path.Combine(root, "plugins");
        var echo = Directory.CreateDirectory(Path.Combine(plugins, "echo")).FullName;
        Xunit.Assert.True(File.Exists(DllPath), $"{DllPath} is missing: build tests/{AssemblyName} first");
        foreach (var file in Directory.GetFiles(OutputFolder))
        {
            File.Copy(file, Path.Combine(echo, Path.GetFileName(file)));
        }

        return Path.GetFullPath(plugins);
    }
}
