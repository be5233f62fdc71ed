using Sprocket.Reconciler.Cli;

return await ReconcilerCli.InvokeAsync(args);
