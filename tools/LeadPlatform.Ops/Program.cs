using LeadPlatform.Ops;

return await OpsCli.RunAsync(args, Console.Out, Console.Error);
