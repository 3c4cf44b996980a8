namespace CityBrain.Grpc;

public sealed partial class Metadata
{
    /// <summary>One metadata entry: a key and either an ASCII string value or a binary value.</summary>
    public sealed class Entry
    {
        private readonly string? _value;
        private readonly byte[]? _valueBytes;

        /// <summary>Creates an ASCII entry.</summary>
        /// <param name="key">The key; must not end in <c>-bin</c>.</param>
        /// <param name="value">The value: printable ASCII (0x20 to 0x7E).</param>
        public Entry(string key, string value)
        {
            ArgumentNullException.ThrowIfNull(value);
            Key = NormalizeKey(key);
            if (IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{Key}' ends in '-bin' and needs a binary value.", nameof(key));
            }

            foreach (var c in value)
            {
                if (c < 0x20 || c > 0x7E)
                {
                    throw new ArgumentException($"The value of metadata key '{Key}' must be printable ASCII.", nameof(value));
                }
            }

            _value = value;
        }

        /// <summary>Creates a binary entry.</summary>
        /// <param name="key">The key; must end in <c>-bin</c>.</param>
        /// <param name="valueBytes">The value.</param>
        public Entry(string key, byte[] valueBytes)
        {
            ArgumentNullException.ThrowIfNull(valueBytes);
            Key = NormalizeKey(key);
            if (!IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{Key}' carries a binary value and must end in '-bin'.", nameof(key));
            }

            _valueBytes = valueBytes;
        }

        /// <summary>The key, lower-case.</summary>
        public string Key { get; }

        /// <summary>Whether the entry is binary (its key ends in <c>-bin</c>).</summary>
        public bool IsBinary => _valueBytes is not null;

        /// <summary>The ASCII value. Throws for a binary entry.</summary>
        public string Value => _value ?? throw new InvalidOperationException($"Entry '{Key}' is binary; use ValueBytes.");

        /// <summary>The binary value. Throws for an ASCII entry.</summary>
        public byte[] ValueBytes => _valueBytes ?? throw new InvalidOperationException($"Entry '{Key}' is not binary; use Value.");

        /// <inheritdoc />
        public override string ToString() =>
            IsBinary ? $"{Key}: [{_valueBytes!.Length} bytes]" : $"{Key}: {_value}";

        internal static bool IsBinaryKey(string key) => key.EndsWith(BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase);

        private static string NormalizeKey(string key)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            var needsLowering = false;
            foreach (var c in key)
            {
                if (c is >= 'A' and <= 'Z')
                {
                    needsLowering = true;
                }
                else if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.'))
                {
                    throw new ArgumentException($"Metadata key '{key}' contains '{c}': only 0-9 a-z _ . - are allowed.", nameof(key));
                }
            }

            if (key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Metadata key '{key}' is reserved for the gRPC protocol.", nameof(key));
            }

            return needsLowering ? key.ToLowerInvariant() : key;
        }

        internal static Entry CreateUnchecked(string key, string value) => new(key, value, trusted: true);

        internal static Entry CreateUnchecked(string key, byte[] valueBytes) => new(key, valueBytes, trusted: true);

        private Entry(string key, string value, bool trusted)
        {
            _ = trusted;
            Key = key;
            _value = value;
        }

        private Entry(string key, byte[] valueBytes, bool trusted)
        {
            _ = trusted;
            Key = key;
            _valueBytes = valueBytes;
        }
    }
}
