using System.Text.Json;
using Orleans.Storage;

namespace Jinba.Webhooks.Storage;

/// <summary>
/// Stores grain state as plain camelCase JSON without type names, so a stored state survives
/// renamed namespaces and assemblies, and added or removed members, across upgrades.
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input, Options);

    public T? Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>(Options);
}
