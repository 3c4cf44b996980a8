namespace CityBrain.Gateway;

/// <summary>How API callers are authenticated (configuration section <c>CityBrain:Auth</c>): bearer tokens, signed
/// JWTs (HS256) naming the caller's role.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "CityBrain:Auth";

    /// <summary>
    /// Base64 of at least 32 random bytes (<c>openssl rand -base64 32</c>): signs new tokens and verifies them. Keep it
    /// out of files (environment variable <c>CityBrain__Auth__SigningKey</c> or a secret). Empty: development mode —
    /// the silo generates a key at start and prints a ready-made token for every role (tokens die with the process).
    /// </summary>
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>Earlier signing keys (base64), still accepted for verification while their tokens run out: rotate by
    /// moving the old <see cref="SigningKey"/> here and setting a new one.</summary>
    public IList<string> PreviousSigningKeys { get; set; } = [];

    /// <summary>The <c>iss</c> of tokens. Default <c>citybrain</c>.</summary>
    public string Issuer { get; set; } = "citybrain";

    /// <summary>The <c>aud</c> of tokens. Default <c>citybrain-api</c>.</summary>
    public string Audience { get; set; } = "citybrain-api";

    /// <summary>Tolerated clock difference when checking a token's lifetime. Default 1 minute.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many validated tokens are remembered (so a token's signature is checked once, not per call).
    /// Default 10,000.</summary>
    public int TokenCacheSize { get; set; } = 10_000;
}
