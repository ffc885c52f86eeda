using System.Text.Json.Nodes;

namespace Jinba.Webhooks.Tests.Infrastructure;

public static class JsonAssert
{
    /// <summary>The same JSON value, whatever the order of properties and the spacing.</summary>
    public static void Equal(string expected, byte[] actual)
    {
        var want = JsonNode.Parse(expected);
        var got = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(want, got),
            $"Expected: {want?.ToJsonString()}{Environment.NewLine}"
            + $"Actual:   {got?.ToJsonString()}");
    }
}
