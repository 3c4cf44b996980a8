using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace CityBrain.Gateway.Internal.Security;

/// <summary>The keys tokens are signed and verified with: the current one (signs) and earlier ones (verify only).
/// Each key's id (the token header's <c>kid</c>) is derived from the key, so a token names the key it needs.</summary>
internal sealed class SigningKeys
{
    /// <summary>The smallest key accepted, in bytes (HS256 wants at least the hash size).</summary>
    public const int MinimumBytes = 32;

    private SigningKeys(SymmetricSecurityKey current, IReadOnlyList<SymmetricSecurityKey> all, bool generated)
    {
        Current = current;
        All = all;
        Generated = generated;
    }

    /// <summary>Signs new tokens.</summary>
    public SymmetricSecurityKey Current { get; }

    /// <summary>Every key a token may be signed with, the current one first.</summary>
    public IReadOnlyList<SymmetricSecurityKey> All { get; }

    /// <summary>True when no key was configured and this one was generated for the process (development).</summary>
    public bool Generated { get; }

    /// <summary>The configured keys, or a generated one when none is configured.</summary>
    /// <exception cref="FormatException">A key is not base64 or too short (the options validator reports it first).</exception>
    public static SigningKeys From(AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SigningKey.Length == 0)
        {
            var generated = Create(RandomNumberGenerator.GetBytes(MinimumBytes));
            return new SigningKeys(generated, [generated], generated: true);
        }

        var current = Create(Decode(options.SigningKey, "CityBrain:Auth:SigningKey"));
        var all = new List<SymmetricSecurityKey> { current };
        for (var i = 0; i < options.PreviousSigningKeys.Count; i++)
        {
            all.Add(Create(Decode(options.PreviousSigningKeys[i], $"CityBrain:Auth:PreviousSigningKeys:{i}")));
        }

        return new SigningKeys(current, all, generated: false);
    }

    /// <summary>The key bytes, or null with a reason when the text is not base64 of at least <see cref="MinimumBytes"/> bytes.</summary>
    public static byte[]? TryDecode(string text, out string problem)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            problem = "is not base64";
            return null;
        }

        if (bytes.Length < MinimumBytes)
        {
            problem = $"decodes to {bytes.Length} bytes; at least {MinimumBytes} are needed (openssl rand -base64 32)";
            return null;
        }

        problem = string.Empty;
        return bytes;
    }

    private static byte[] Decode(string text, string key) =>
        TryDecode(text, out var problem) ?? throw new FormatException($"{key} {problem}.");

    private static SymmetricSecurityKey Create(byte[] bytes) =>
        new(bytes) { KeyId = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] };
}
