using CityBrain.Testing.WebConsole;

namespace CityBrain.Console.Tests.Infrastructure;

/// <summary>A silo with a configured signing key: no development identities.</summary>
public sealed class KeyedConsoleSilo : ConsoleSilo
{
    protected override string? SigningKey => Convert.ToBase64String("citybrain-console-tests-signing-key-0123456789ab"u8.ToArray());
}
