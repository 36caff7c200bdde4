using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LeadPlatform.ServiceDefaults;

/// <summary>TLS to RabbitMQ nodes whose certificates a private CA signed (the <c>cacertfile</c> of the broker URI).</summary>
public static class RabbitMqTls
{
    /// <summary>
    /// Accepts a node's certificate only when it names the host connected to and chains to the CA in
    /// <paramref name="caFile"/> (PEM; several CAs in it are all trusted, for a CA rotation), ignoring the machine's CA store; no revocation check (private CAs rarely
    /// publish one).
    /// </summary>
    public static RemoteCertificateValidationCallback TrustOnly(string caFile)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"cacertfile {caFile} holds no PEM certificate");
        }
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                return false;
            }
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = new X509Certificate2(certificate);
            return chain.Build(presented);
        };
    }
}
