using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace ActorConnect.Host;

/// <summary>
/// <c>--help</c> as System.CommandLine writes it, followed by the examples of the command asked about, as
/// <c>dotnet</c>'s and <c>kubectl</c>'s help end with: a user copies one and changes the file names.
/// </summary>
internal sealed class HelpWithExamples(HelpAction help, IReadOnlyDictionary<Command, string[]> examples) : SynchronousCommandLineAction
{
    /// <summary>Puts the examples of every command of <paramref name="root"/> after its help.</summary>
    public static void Install(RootCommand root, IReadOnlyDictionary<Command, string[]> examples)
    {
        var option = root.Options.OfType<HelpOption>().Single();
        option.Action = new HelpWithExamples((HelpAction)option.Action!, examples);
    }

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var exitCode = help.Invoke(parseResult);
        if (examples.TryGetValue(parseResult.CommandResult.Command, out var lines))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var line in lines)
            {
                output.WriteLine("  " + line);
            }

            output.WriteLine();
        }

        return exitCode;
    }
}
