using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LeadPlatform.Testing;

namespace LeadPlatform.ClusterTests;

/// <summary>
/// A throw-away CA and a server certificate it signed for <c>localhost</c> and 127.0.0.1, written as PEM files
/// (ca.pem, server.pem, server.key) into a directory the <c>postgres</c> OS user can read (PostgreSQL refuses a key
/// file others may read). Removed on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public required string Directory { get; init; }
    public string CaFile => Path.Combine(Directory, "ca.pem");
    public string CertificateFile => Path.Combine(Directory, "server.pem");
    public string KeyFile => Path.Combine(Directory, "server.key");

    public static async Task<TestCertificates> CreateAsync()
    {
        var dir = Path.Combine("/tmp", "lp-tls-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(dir);
        var certificates = new TestCertificates { Directory = dir };
        var now = DateTimeOffset.UtcNow;

        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=LeadPlatform test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var server = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        await File.WriteAllTextAsync(certificates.CaFile, ca.ExportCertificatePem() + "\n");
        await File.WriteAllTextAsync(certificates.CertificateFile, server.ExportCertificatePem() + "\n");
        await File.WriteAllTextAsync(certificates.KeyFile, serverKey.ExportPkcs8PrivateKeyPem() + "\n");
        await PrivateProcesses.RunAsync("chown", ["-R", "postgres:", dir], "run the tests as root");
        await PrivateProcesses.RunAsync("chmod", ["600", certificates.KeyFile], "run the tests as root");
        await PrivateProcesses.RunAsync("chmod", ["755", dir], "run the tests as root");
        return certificates;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
