using System.Text;
using LeadPlatform.Ingestion.Api;
using Microsoft.AspNetCore.Http;

namespace LeadPlatform.UnitTests.Ingestion;

/// <summary>
/// A request body is read whole, with or without a Content-Length (a chunked one), and one over the limit is answered
/// 413 without being kept.
/// </summary>
[TestFixture]
public class JsonBodySpecs
{
    [TestCase(true, 0)]
    [TestCase(true, 700)]
    [TestCase(false, 0)]
    [TestCase(false, 700)]
    [TestCase(false, 40_000)]
    [TestCase(true, JsonBody.MaxBytes)]
    [TestCase(false, JsonBody.MaxBytes)]
    public async Task A_body_within_the_limit_is_read_exactly(bool withLength, int size)
    {
        var sent = Body(size);

        var (body, problem) = await JsonBody.ReadLimitedAsync(Request(sent, withLength), CancellationToken.None);

        Assert.That(problem, Is.Null);
        Assert.That(body, Is.EqualTo(sent));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_body_over_the_limit_is_a_413(bool withLength)
    {
        var (body, problem) = await JsonBody.ReadLimitedAsync(Request(Body(JsonBody.MaxBytes + 1), withLength), CancellationToken.None);

        Assert.That(body, Is.Empty);
        Assert.That(problem, Is.InstanceOf<IStatusCodeHttpResult>());
        Assert.That(((IStatusCodeHttpResult)problem!).StatusCode, Is.EqualTo(StatusCodes.Status413PayloadTooLarge));
    }

    private static byte[] Body(int size) => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, size).Select(i => (char)('a' + i % 26))));

    private static HttpRequest Request(byte[] body, bool withLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = withLength ? body.Length : null;
        return context.Request;
    }
}
