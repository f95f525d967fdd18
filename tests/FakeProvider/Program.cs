using FakeProvider;

await FakeProviderApp.Create(args).RunAsync();
