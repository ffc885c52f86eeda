using System.Security.Cryptography;
using System.Text;

namespace Jinba.Webhooks.Delivery;

/// <summary>
/// The signature headers of one attempt, under both schemes receivers use:
/// <c>X-Webhook-Signature</c> (hex HMAC-SHA256 of the body, keyed with the whole secret string)
/// and Standard Webhooks (<c>v1,</c> base64 HMAC-SHA256 of <c>id.timestamp.body</c>, keyed with
/// the decoded secret).
/// </summary>
public sealed record SignatureHeaders(string WebhookSignature, string StandardSignature)
{
    public const string HexSignatureHeader = "X-Webhook-Signature";
    public const string StandardIdHeader = "webhook-id";
    public const string StandardTimestampHeader = "webhook-timestamp";
    public const string StandardSignatureHeader = "webhook-signature";

    /// <param name="secrets">The current secret first, then any older one still signing.</param>
    public static SignatureHeaders Sign(IReadOnlyList<string> secrets, string messageId,
        long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");
        var signedContent = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signedContent, 0);
        body.CopyTo(signedContent.AsSpan(prefix.Length));

        var hex = new List<string>(secrets.Count);
        var standard = new List<string>(secrets.Count);
        foreach (var secret in secrets)
        {
            var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
            hex.Add("sha256=" + Convert.ToHexStringLower(hash));

            var key = Convert.FromBase64String(secret[Secrets.WebhookSecretPrefix.Length..]);
            standard.Add("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signedContent)));
        }

        return new SignatureHeaders(string.Join(", ", hex), string.Join(' ', standard));
    }
}
