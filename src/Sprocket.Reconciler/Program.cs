using Sprocket.Reconciler.Cli;

return await ReconcilerCli.Create().Parse(args).InvokeAsync();
