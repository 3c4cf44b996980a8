using System.IO.Compression;

namespace CityBrain.Grpc.Internal.Client;

/// <summary>The request compression of a call: a gzip level, or null for none.</summary>
internal readonly record struct CompressionSettings(CompressionLevel? Level);
