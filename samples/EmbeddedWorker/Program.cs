// An application that already has an Akka.NET ActorSystem runs ActorConnect inside it (Akka.Hosting).
//   dotnet run --project samples/EmbeddedWorker -- config/worker.properties config/file-source.properties
// It starts the worker beside its own actor, creates the connectors given, and has its actor print their status
// every 5 seconds; Ctrl-C stops it cleanly (offsets flushed).
using ActorConnect.Hosting;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: EmbeddedWorker worker.properties [connector.properties ...]");
    return 2;
}

var worker = JavaProperties.Load(args[0]);
using var host = Host.CreateDefaultBuilder()
    .ConfigureServices(services => services.AddAkka("my-app", builder => builder
        .WithActorConnect(worker)
        .WithActors((system, registry) =>
        {
            var connect = registry.Get<ActorConnectWorker>();
            registry.Register<StatusPrinter>(system.ActorOf(Props.Create(() => new StatusPrinter(connect)), "status-printer"));
        })))
    .Build();
await host.StartAsync();

var connect = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<ActorConnectWorker>();
foreach (var file in args.Skip(1))
{
    var info = await connect.Ask<ConnectorInfo>(new WorkerProtocol.CreateConnector(JavaProperties.Load(file)), TimeSpan.FromSeconds(30));
    Console.WriteLine($"connector {info.Name} created ({info.Type})");
}

await host.WaitForShutdownAsync();
return 0;

/// <summary>The application's own actor: asks the embedded worker for status, as any actor of the app could.</summary>
internal sealed class StatusPrinter : ReceiveActor, IWithTimers
{
    public StatusPrinter(IActorRef connect)
    {
        Receive<string>(_ => connect.Tell(WorkerProtocol.GetAllStatus.Instance));
        Receive<List<ConnectorStatus>>(all => all.ForEach(s =>
            Console.WriteLine($"{s.Name}: {s.State} [{string.Join(", ", s.Tasks.Select(t => $"{t.Id} {t.State}"))}]")));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer("print", "print", TimeSpan.FromSeconds(5));
}
