using Jinba.Webhooks.Delivery;

namespace Jinba.Webhooks.Api.Auth;

/// <summary>
/// The operator key from <c>Auth:OperatorKey</c>; made up at start in Development.
/// </summary>
public sealed record AuthSettings(string OperatorKey, bool Generated)
{
    public const int MinimumKeyLength = 32;

    public static AuthSettings Load(IConfiguration configuration, IHostEnvironment environment)
    {
        var key = configuration["Auth:OperatorKey"];
        if (string.IsNullOrWhiteSpace(key))
        {
            if (environment.IsDevelopment())
            {
                return new AuthSettings(Secrets.NewApiKey(), Generated: true);
            }

            throw new InvalidOperationException(
                "Invalid configuration: 'Auth:OperatorKey' is required outside Development.");
        }

        if (key.Length < MinimumKeyLength)
        {
            throw new InvalidOperationException(
                $"Invalid configuration: 'Auth:OperatorKey' must be at least {MinimumKeyLength} "
                + "characters.");
        }

        return new AuthSettings(key, Generated: false);
    }
}
