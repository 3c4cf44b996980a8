using System.Security.Cryptography.X509Certificates;

namespace CityBrain.Gateway;

/// <summary>Optional TLS for the public gRPC port (configuration section <c>CityBrain:Tls</c>). With a certificate,
/// <c>CityBrain:GrpcUrl</c> must be an https:// URL; HTTP/2 is negotiated with ALPN.</summary>
public sealed class TlsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "CityBrain:Tls";

    /// <summary>The certificate: a PKCS#12 file (.pfx/.p12) or a PEM file (then <see cref="KeyFile"/> too). Empty: no TLS.</summary>
    public string CertificateFile { get; set; } = string.Empty;

    /// <summary>The private key of a PEM certificate (PEM). Empty for PKCS#12, or when the PEM file holds the key.</summary>
    public string KeyFile { get; set; } = string.Empty;

    /// <summary>The password of a PKCS#12 file or an encrypted PEM key.</summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>Whether a certificate is configured.</summary>
    public bool Enabled => CertificateFile.Length > 0;

    /// <summary>Loads the configured certificate with its private key.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The file is not a certificate, or the password or key is wrong.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public X509Certificate2 LoadCertificate()
    {
        var extension = Path.GetExtension(CertificateFile).ToLowerInvariant();
        if (extension is ".pfx" or ".p12")
        {
            return X509CertificateLoader.LoadPkcs12FromFile(CertificateFile, Password.Length > 0 ? Password : null);
        }

        var key = KeyFile.Length > 0 ? KeyFile : null;
        return Password.Length > 0
            ? X509Certificate2.CreateFromEncryptedPemFile(CertificateFile, Password, key)
            : X509Certificate2.CreateFromPemFile(CertificateFile, key);
    }
}
