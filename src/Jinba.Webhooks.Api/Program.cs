using Jinba.Webhooks.Api;

await FrontSilo.Build(args).RunAsync();
