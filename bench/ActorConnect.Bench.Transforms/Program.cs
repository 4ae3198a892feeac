using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ActorConnect.Bench.Transforms.TransformChainBenchmark).Assembly).Run(args);
