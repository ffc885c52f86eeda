using System.Security.Cryptography;
using System.Text;

namespace Jinba.Webhooks.Delivery;

/// <summary>Webhook signing secrets and organization API keys.</summary>
public static class Secrets
{
    public const string WebhookSecretPrefix = "whsec_";
    public const string ApiKeyPrefix = "jtb_";

    /// <summary>
    /// <c>whsec_</c> and the base64 of 32 random bytes, as Standard Webhooks expects.
    /// </summary>
    public static string NewWebhookSecret() =>
        WebhookSecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary><c>jtb_</c> and 43 URL-safe characters carrying 256 random bits.</summary>
    public static string NewApiKey() =>
        ApiKeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The stored form of an API key. Keys carry 256 random bits, so a plain SHA-256 cannot be
    /// reversed or guessed; a slow password hash would only slow every request.
    /// </summary>
    public static string HashApiKey(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string Mask(string secret) =>
        secret.Length <= WebhookSecretPrefix.Length + 4
            ? WebhookSecretPrefix + "****"
            : WebhookSecretPrefix + "****" + secret[^4..];
}
