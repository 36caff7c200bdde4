namespace LeadPlatform.Connectors;

/// <summary>
/// Sends every request body with a <c>Content-Length</c>, never chunked: some CRM gateways refuse chunked bodies,
/// and <c>JsonContent</c> or a stream of unknown length would go chunked. The body is buffered once (CRM payloads
/// are small) and sent as bytes with the original content headers.
/// </summary>
public sealed class ContentLengthHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content && content.Headers.ContentLength is null)
        {
            var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
            var buffered = new ByteArrayContent(bytes);
            foreach (var header in content.Headers)
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            buffered.Headers.ContentLength = bytes.Length;
            request.Content = buffered;
            content.Dispose();
        }
        request.Headers.TransferEncodingChunked = false;
        return await base.SendAsync(request, cancellationToken);
    }
}
