using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Jinba.Webhooks.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "front silo";
}

/// <summary>One front silo on Azurite shared by the tests of a collection.</summary>
public class ApiFixture : IAsyncLifetime
{
    public FrontSiloInstance Silo { get; private set; } = null!;

    public Dictionary<string, string?> Settings { get; private set; } = null!;

    public IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        Settings = await FrontSiloInstance.SettingsAsync();
        Adjust(Settings);
        Silo = await FrontSiloInstance.StartAsync(Settings);
    }

    /// <summary>Lets a collection of its own run the silo with other settings.</summary>
    protected virtual void Adjust(Dictionary<string, string?> settings)
    {
    }

    public async Task DisposeAsync() => await Silo.DisposeAsync();

    public HttpClient Operator() => Silo.Client(FrontSiloInstance.OperatorKey);

    /// <summary>
    /// A new organization with a key of its own, and a client that sends that key.
    /// </summary>
    public Task<OrgClient> NewOrgAsync() => Silo.NewOrgAsync();
}

public sealed record OrgClient(string OrgId, string Key, HttpClient Http) : IDisposable
{
    public string Path(string route) => $"/v1/orgs/{OrgId}/{route.TrimStart('/')}";

    public Task<HttpResponseMessage> GetAsync(string route) => Http.GetAsync(Path(route));

    public Task<HttpResponseMessage> DeleteAsync(string route) => Http.DeleteAsync(Path(route));

    public Task<HttpResponseMessage> PostAsync(string route, object? body = null) =>
        SendAsync(HttpMethod.Post, route, body);

    public Task<HttpResponseMessage> PatchAsync(string route, object body) =>
        SendAsync(HttpMethod.Patch, route, body);

    /// <summary>Sends a string as raw JSON text and anything else serialized.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string route, object? body)
    {
        var request = new HttpRequestMessage(method, Path(route));
        if (body is string raw)
        {
            request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return Http.SendAsync(request);
    }

    /// <summary>Creates a webhook and returns its JSON, whole secret included.</summary>
    public async Task<JsonElement> CreateWebhookAsync(string url, params string[] events)
    {
        var response = await PostAsync("webhooks", new { url, events });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> PublishAsync(string type, object data, string? id = null)
    {
        var response = await PostAsync("events", new { @event = type, data, id });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public void Dispose() => Http.Dispose();
}

public static class Samples
{
    public static readonly object MemberAdded =
        new { userId = "u1", email = "a@b.c", role = "admin", addedBy = "u0" };

    public static object RunCompleted(string runId = "run_1") => new
    {
        runId,
        toolSetSlug = "my-toolset",
        toolSlug = "my-tool",
        status = "success",
        durationMs = 1234,
    };
}

public static class Json
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static string[] Keys(JsonElement element) =>
        element.EnumerateObject().Select(property => property.Name).Order().ToArray();
}
