using System.Net;
using System.Text;
using System.Text.Json;
using Jinba.Webhooks.Tests.Infrastructure;

namespace Jinba.Webhooks.Tests;

/// <summary>
/// Every route against malformed, oversized and hostile requests: each gets the expected 4xx
/// (a problem detail naming the field wherever the application answers), never a 5xx, and
/// nothing the organization can read changes.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInputTests(ApiFixture fixture) : ReceiverTests
{
    private const string ProbeEventId = "evt_hostile_probe";
    private const string MemberData =
        """{"userId":"u1","email":"a@b.c","role":"admin","addedBy":"u0"}""";

    private static readonly string Huge = new('x', 60_000);
    private static readonly string DeepArrays = new string('[', 10_000) + new string(']', 10_000);
    private static readonly string DeepObjects =
        string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000);

    [Theory]
    [MemberData(nameof(OrgRoutes.Names), MemberType = typeof(OrgRoutes))]
    public async Task Hostile_requests_get_a_4xx_and_change_nothing(string name)
    {
        var route = OrgRoutes.Named(name);
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "member.added");
        var webhookId = webhook.GetProperty("id").GetString()!;
        await org.PublishAsync("member.added", JsonDocument.Parse(MemberData).RootElement);
        var delivery = await DeliveryTable.FinishedAsync(webhookId);
        var before = await OrgSnapshot.TakeAsync(org, webhookId);
        var target = new Target(fixture.Silo, org, route, webhookId, delivery.Id);

        var wrong = new List<string>();
        foreach (var hostile in Cases(route))
        {
            var answer = await hostile.Send(target);
            var problem = Mismatch(hostile, answer);
            if (problem is not null)
            {
                wrong.Add($"{hostile.Name}: {problem}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        Assert.Equal(before, await OrgSnapshot.TakeAsync(org, webhookId));
        Assert.Single(Receiver.Requests);
        var probe = await org.PublishAsync("member.added",
            JsonDocument.Parse(MemberData).RootElement, ProbeEventId);
        Assert.Equal(1, probe.GetProperty("deliveries").GetInt32());
        Assert.Equal(ProbeEventId, (await Receiver.WaitForAsync(2))[1].Header("webhook-id"));
    }

    /// <summary>What went wrong with one answer, or null when it is as expected.</summary>
    private static string? Mismatch(Case hostile, Answer answer)
    {
        if (answer.Status != hostile.Status)
        {
            return $"expected {hostile.Status}, got {answer.Status} {answer.Body}";
        }

        if (hostile.Field is null)
        {
            return null;
        }

        if (answer.MediaType != "application/problem+json")
        {
            return $"expected a problem detail, got {answer.MediaType}";
        }

        using var problem = JsonDocument.Parse(answer.Body);
        if (hostile.Field == "")
        {
            return null;
        }

        var fields = problem.RootElement.TryGetProperty("errors", out var errors)
            ? string.Join(",", Json.Keys(errors))
            : "(none)";
        return fields == hostile.Field ? null : $"expected errors on {hostile.Field}, got {fields}";
    }

    private static IEnumerable<Case> Cases(OrgRoute route)
    {
        foreach (var hostile in AnyRoute(route))
        {
            yield return hostile;
        }

        if (route.Body is null)
        {
            yield break;
        }

        foreach (var hostile in AnyBody(route))
        {
            yield return hostile;
        }

        foreach (var (body, field) in FieldsOf(route))
        {
            yield return JsonCase($"{field}: {Shorten(body)}", 400, field, body);
        }
    }

    /// <summary>Ids, URL, headers and body size: everything a route can be sent.</summary>
    private static IEnumerable<Case> AnyRoute(OrgRoute route)
    {
        if (route.NamesWebhook)
        {
            string[] ids =
            [
                "wh_01m8y8xb4mpwcfwx044ke6r7ra", "wh_" + new string('A', 3000),
                "wh_..%2F..%2Fsecret", "%FF%FE", "wh_%E2%80%AE01M8Y8XB4MPWCFWX044KE6R7RA",
                "%F0%9F%92%A9", "wh_01M8Y8XB4MPWCFWX044KE6R7RA%0A", "..",
            ];
            foreach (var id in ids)
            {
                yield return Send($"webhook id {Shorten(id)}", 404, "",
                    target => target.Request(webhookId: id));
            }
        }

        if (route.Template.Contains("{dlv}", StringComparison.Ordinal))
        {
            foreach (var id in new[] { "dlv_nope", "dlv_" + new string('Z', 3000) })
            {
                yield return Send($"delivery id {Shorten(id)}", 404, "",
                    target => target.Request(deliveryId: id));
            }
        }

        foreach (var orgId in new[] { "ORG_OTHER", "%2e%2e", new string('o', 70), "%FF" })
        {
            yield return Send($"org id {Shorten(orgId)}", 404, "",
                target => target.Request(orgId: orgId));
        }

        yield return Send("20 KB header", 431, "headers", target => target.Request(
            change: request => request.Headers.Add("X-Pad", new string('h', 20_000))));
        yield return Send("40 KB header", 431, null, target => target.Request(
            change: request => request.Headers.Add("X-Pad", new string('h', 40_000))));
        yield return Send("150 headers", 431, null, target => target.Request(change: request =>
        {
            for (var i = 0; i < 150; i++)
            {
                request.Headers.Add($"X-Pad-{i}", "h");
            }
        }));
        yield return Send("5,000-character query", 414, "path",
            target => target.Request(suffix: "?q=" + new string('q', 5000)));
        yield return Send("10,000-character path", 414, null,
            target => target.Request(webhookId: new string('p', 10_000),
                suffix: route.NamesWebhook ? "" : "/" + new string('p', 10_000)));
        yield return Send("body over the size limit", 413, "body", target => target.Request(
            content: new ByteArrayContent(Encoding.UTF8.GetBytes(
                "{\"pad\":\"" + new string('b', 200_000) + "\"}"))
            {
                Headers = { ContentType = new("application/json") },
            }));
        yield return Send("key too long", 401, "", target => target.Request(change: request =>
            request.Headers.Authorization = new("Bearer", "jtb_" + new string('k', 300))));
        yield return Send("other scheme", 401, "", target => target.Request(change: request =>
            request.Headers.Authorization = new("Basic", "am9objpzZWNyZXQ=")));
        yield return Send("NUL in the path", 400, null, target => target.Request(suffix: "%00"));
        yield return Raw("0xFF byte in the path", target =>
            [.. Encoding.ASCII.GetBytes(target.Path()), 0xFF]);
        yield return Raw("0xFF byte in a header", target => Encoding.ASCII.GetBytes(target.Path()),
            [.. "X-Pad: a"u8, 0xFF, 0xFE]);
        yield return Raw("NUL byte in a header", target => Encoding.ASCII.GetBytes(target.Path()),
            [.. "X-Pad: a"u8, 0x00, (byte)'b']);
    }

    /// <summary>Bodies no route accepts: broken, mistyped, too large, deep, mis-encoded.</summary>
    private static IEnumerable<Case> AnyBody(OrgRoute route)
    {
        var (field, prefix, suffix) = StringFieldOf(route);
        byte[] WithValue(params byte[] value) =>
            [.. Encoding.UTF8.GetBytes(prefix), .. value, .. Encoding.UTF8.GetBytes(suffix)];

        yield return JsonCase("not JSON", 400, "body", "not json");
        yield return JsonCase("truncated", 400, "body", route.Body![..^1]);
        yield return JsonCase("trailing comma", 400, "body", route.Body[..^1] + ",}");
        yield return JsonCase("a second document", 400, "body", route.Body + "{}");
        yield return JsonCase("single quotes", 400, "body", "{'a':1}");
        yield return JsonCase("null", 400, "body", "null");
        yield return JsonCase("array", 400, "body", "[]");
        yield return JsonCase("string", 400, "body", "\"text\"");
        yield return JsonCase("number", 400, "body", "42");
        yield return JsonCase("10,000 nested arrays", 400, "body", DeepArrays);
        yield return JsonCase("10,000 nested objects", 400, "a", DeepObjects);
        yield return JsonCase("unknown field", 400, "zzz", """{"zzz":1}""");
        yield return JsonCase("string cut short", 400, field, prefix + "\"abc");
        yield return JsonCase("deep value", 400, field, prefix + DeepArrays + suffix);
        yield return JsonCase("lone surrogate", 400, field, prefix + "\"\\ud800\"" + suffix);
        yield return Bytes("0xFF bytes", 400, field, "application/json",
            WithValue([(byte)'"', 0xFF, 0xFE, (byte)'"']));
        yield return Bytes("overlong UTF-8", 400, field, "application/json",
            WithValue([(byte)'"', 0xC0, 0xAF, (byte)'"']));
        yield return Bytes("UTF-16", 400, "body", "application/json; charset=utf-16",
            Encoding.Unicode.GetBytes(route.Body));
        yield return Bytes("text/plain", 415, "", "text/plain", Encoding.UTF8.GetBytes(route.Body));
        yield return Bytes("no content type", 415, "", null, Encoding.UTF8.GetBytes(route.Body));
        yield return Send("chunked body over the size limit", 413, "body", target =>
            target.Request(content: new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(
                "{\"pad\":\"" + new string('b', 200_000) + "\"}")))
            {
                Headers = { ContentType = new("application/json") },
            }));
        if (!route.Template.EndsWith("/test", StringComparison.Ordinal))
        {
            // A test delivery's body is optional; every other body is required.
            yield return Bytes("empty", 400, "body", "application/json", []);
        }
    }

    /// <summary>
    /// A string field of the route's body, as the text before and after its value in an
    /// otherwise valid body.
    /// </summary>
    private static (string Field, string Prefix, string Suffix) StringFieldOf(OrgRoute route) =>
        route.ToString() switch
        {
            "POST webhooks" => ("description",
                """{"url":"https://example.com/h","events":["member.added"],"description":""",
                "}"),
            "PATCH webhooks/{id}" => ("description", """{"description":""", "}"),
            "POST webhooks/{id}/test" => ("event", """{"event":""", "}"),
            "POST webhooks/{id}/recover" => ("since", """{"since":""", "}"),
            "POST events" => ("id", $$"""{"event":"member.added","data":{{MemberData}},"id":""",
                "}"),
            _ => throw new ArgumentException($"No body on {route}.", nameof(route)),
        };

    /// <summary>Bodies breaking a rule of one field, with the field the answer names.</summary>
    private static IEnumerable<(string Body, string Field)> FieldsOf(OrgRoute route)
    {
        const string url = "\"url\":\"https://example.com/h\"";
        const string events = "\"events\":[\"member.added\"]";
        const string data = "\"data\":" + MemberData;
        switch (route.ToString())
        {
            case "POST webhooks":
                yield return ($$"""{"url":42,{{events}}}""", "url");
                yield return ($$"""{{{url}},"events":"member.added"}""", "events");
                yield return ($$"""{{{url}},"events":[1]}""", "events[0]");
                yield return ($$"""{{{url}},"events":[null]}""", "events[0]");
                yield return ($$"""{{{url}},{{events}},"enabled":"yes"}""", "enabled");
                yield return ($$"""{"url":"https://example.com/{{Huge}}",{{events}}}""", "url");
                yield return ($$"""{{{url}},{{events}},"description":"{{Huge}}"}""", "description");
                yield return ($$"""{{{url}},"events":["{{Huge}}"]}""", "events[0]");
                yield return ($$"""{{{url}},"url":"https://example.org",{{events}}}""", "url");
                yield return ($$"""{{{url}},{{events}},"secret":"whsec_mine"}""", "secret");
                yield return ($$"""{{{url}},{{events}},"orgId":"org_other"}""", "orgId");
                yield return ($$"""{{{url}},{{events}},"id":"wh_1"}""", "id");
                yield return ($$"""{"url":"javascript:alert(1)",{{events}}}""", "url");
                yield return ($$"""{"url":"https://exa\u0000mple.com",{{events}}}""", "url");
                yield return ($$"""{"url":"file:///etc/passwd",{{events}}}""", "url");
                yield return ($$"""{"url":"",{{events}}}""", "url");
                break;
            case "PATCH webhooks/{id}":
                yield return ("""{"url":42}""", "url");
                yield return ("""{"events":{}}""", "events");
                yield return ("""{"events":[]}""", "events");
                yield return ("""{"enabled":"no"}""", "enabled");
                yield return ($$"""{"description":"{{Huge}}"}""", "description");
                yield return ("""{"secret":"whsec_mine"}""", "secret");
                yield return ("""{"id":"wh_01M8Y8XB4MPWCFWX044KE6R7RA"}""", "id");
                yield return ("""{"url":"gopher://example.com/"}""", "url");
                break;
            case "POST webhooks/{id}/test":
                yield return ("""{"event":42}""", "event");
                yield return ("""{"event":"tool.run.started"}""", "event");
                yield return ($$"""{"event":"{{Huge}}"}""", "event");
                yield return ("""{"event":"member.added","data":{}}""", "data");
                break;
            case "POST webhooks/{id}/recover":
                yield return ("""{"since":5}""", "since");
                yield return ("""{"since":"yesterday"}""", "since");
                yield return ("""{}""", "since");
                yield return ("""{"since":"0001-01-01T00:00:00+14:00"}""", "since");
                yield return ("""{"since":"2024-02-01T00:00:00Z","until":"2024-01-01T00:00:00Z"}""",
                    "until");
                yield return ("""{"since":"2024-01-01T00:00:00Z","extra":1}""", "extra");
                break;
            case "POST events":
                const string probe = "\"event\":\"member.added\",\"id\":\"" + ProbeEventId + "\"";
                yield return ($$"""{{{probe}}}""", "data");
                yield return ($$"""{"event":42,{{data}}}""", "event");
                yield return ($$"""{{{probe}},"data":"x"}""", "data");
                yield return ("{" + probe + ",\"data\":{\"userId\":\"u1\"}}",
                    "data.addedBy,data.email,data.role");
                yield return ($$"""{{{probe}},{{data}},"timestamp":"0001-01-01T00:00:00+14:00"}""",
                    "timestamp");
                yield return ($$"""{{{probe}},{{data}},"timestamp":"yesterday"}""", "timestamp");
                yield return ($$"""{"event":"member.added",{{data}},"id":"{{Huge}}"}""", "id");
                yield return ($$"""{"event":"member.added",{{data}},"id":"evt bad"}""", "id");
                yield return ($$"""{"event":"{{Huge}}",{{data}}}""", "event");
                yield return ($$"""{{{probe}},"data":{{DeepArrays}}}""", "data");
                yield return ($$"""{{{probe}},{{data}},"extra":1}""", "extra");
                yield return ($$"""{{{probe}},{{data}},"event":"member.removed"}""", "event");
                break;
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    private static Case JsonCase(string name, int status, string? field, string body) =>
        Bytes(name, status, field, "application/json", Encoding.UTF8.GetBytes(body));

    private static Case Bytes(string name, int status, string? field, string? contentType,
        byte[] body) => Send(name, status, field, target =>
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return target.Request(content: content);
    });

    private static Case Send(string name, int status, string? field,
        Func<Target, HttpRequestMessage> build) => new(name, status, field, async target =>
    {
        var response = await target.Org.Http.SendAsync(build(target));
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsStringAsync());
    });

    /// <summary>A request written byte by byte, refused by the server before the API.</summary>
    private static Case Raw(string name, Func<Target, byte[]> path, params byte[][] headers) =>
        new(name, 400, null, async target =>
        {
            var request = RawHttp.Request(target.Route.Method, path(target), target.Org.Key,
                headers);
            return new Answer(await RawHttp.SendAsync(target.Silo.BaseAddress, request), null, "");
        });

    /// <param name="Field">
    /// The one field the problem's errors must name; empty for a problem without a field check,
    /// null where the server answers before the application and writes no problem detail.
    /// </param>
    private sealed record Case(string Name, int Status, string? Field,
        Func<Target, Task<Answer>> Send);

    private sealed record Answer(int Status, string? MediaType, string Body);

    private sealed record Target(FrontSiloInstance Silo, OrgClient Org, OrgRoute Route,
        string WebhookId, string DeliveryId)
    {
        public string Path(string? orgId = null, string? webhookId = null,
            string? deliveryId = null, string suffix = "") =>
            $"/v1/orgs/{orgId ?? Org.OrgId}/"
            + Route.Route(webhookId ?? WebhookId, deliveryId ?? DeliveryId) + suffix;

        public HttpRequestMessage Request(string? orgId = null, string? webhookId = null,
            string? deliveryId = null, string suffix = "", HttpContent? content = null,
            Action<HttpRequestMessage>? change = null)
        {
            var request = new HttpRequestMessage(new HttpMethod(Route.Method),
                Path(orgId, webhookId, deliveryId, suffix))
            {
                Content = content ?? (Route.Body is null
                    ? null
                    : new StringContent(Route.Body, Encoding.UTF8, "application/json")),
            };
            change?.Invoke(request);
            return request;
        }
    }
}
