using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.Integrations.Secrets;

/// <summary>Encrypts each key ring entry's master key with AES-GCM under <see cref="KeyRingKey"/> before it is stored.</summary>
public sealed class ConfiguredKeyXmlEncryptor(KeyRingKey key) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var cipher = new byte[plain.Length];
        using (var aes = new AesGcm(key.Current.Bytes, tag.Length))
        {
            aes.Encrypt(nonce, plain, cipher, tag);
        }
        var element = new XElement("encryptedKey",
            new XComment(" Encrypted with DataProtection:Key (AES-256-GCM); see docs/security.md "),
            new XAttribute("keyId", key.Current.Id),
            new XElement("value", Convert.ToBase64String([.. nonce, .. tag, .. cipher])));
        return new EncryptedXmlInfo(element, typeof(ConfiguredKeyXmlDecryptor));
    }
}

/// <summary>Created by Data Protection from the type name stored beside each encrypted entry.</summary>
public sealed class ConfiguredKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly KeyRingKey _key = services.GetRequiredService<KeyRingKey>();

    public XElement Decrypt(XElement encryptedElement)
    {
        var keyId = (string?)encryptedElement.Attribute("keyId") ?? "";
        var key = _key.Find(keyId) ?? throw new CryptographicException(
            $"The key ring entry was encrypted with a DataProtection:Key ({keyId}) that is neither the current key nor one of DataProtection:PreviousKeys.");
        var data = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        var plain = new byte[data.Length - nonceSize - tagSize];
        using (var aes = new AesGcm(key.Bytes, tagSize))
        {
            aes.Decrypt(data.AsSpan(0, nonceSize), data.AsSpan(nonceSize + tagSize), data.AsSpan(nonceSize, tagSize), plain);
        }
        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }
}
