using System.Text;
using LeadPlatform.Testing;
using RabbitMQ.Client;

namespace LeadPlatform.BrowserTests;

/// <summary>Error queues: each message's fault reason, and draining all of them with progress.</summary>
public partial class ConsoleSpecs
{
    [Test]
    public async Task Error_queue_messages_show_their_fault_reason_and_drain_all_shows_progress()
    {
        var reason = $"Enquire answered 500 {Run}";
        var factory = new ConnectionFactory { Uri = new Uri(_platform.Environment.RabbitMqUri) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("console-faults", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueDeclareAsync("console-faults_error", durable: true, exclusive: false, autoDelete: false);
            for (var i = 0; i < 2; i++)
            {
                var properties = new BasicProperties
                {
                    MessageId = $"fault-{i}",
                    Headers = new Dictionary<string, object?>
                    {
                        ["MT-Fault-Message"] = Encoding.UTF8.GetBytes(reason),
                        ["MT-Fault-ExceptionType"] = Encoding.UTF8.GetBytes("System.Net.Http.HttpRequestException"),
                        ["MT-Reason"] = Encoding.UTF8.GetBytes("fault"),
                    },
                };
                await channel.BasicPublishAsync("", "console-faults_error", mandatory: false, properties, Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"));
            }
        }
        var page = await SignedInAsync(ConsolePlatform.OperatorKey);
        var faults = page.Locator("table.faults[data-queue=console-faults_error]");
        await Eventually.UntilAsync(async () =>
        {
            await page.GotoAsync("/ErrorQueues");
            return await faults.CountAsync() == 1 && await faults.Locator("tbody tr").CountAsync() == 2;
        }, TimeSpan.FromSeconds(20), "the error queue's 2 messages listed with their fault");
        Assert.That(await faults.InnerTextAsync(), Does.Contain(reason).And.Contain("HttpRequestException").And.Contain("fault-1"));
        Assert.That(await _platform.Environment.QueueDepthAsync("console-faults"), Is.Zero, "reading the reasons moves nothing");
        await ShootAsync(page, "error-queues-faults");

        await page.ClickAsync("#drain-all button");
        Assert.That(page.Url, Does.Contain("/Jobs/"));
        Assert.That(await page.Locator("#notice").InnerTextAsync(), Does.Contain("messages moved back"));
        Assert.That(await page.Locator("#job-steps").InnerTextAsync(), Does.Contain("console-faults_error: moved 2 to console-faults"));
        await AssertAccessibleAsync(page, "job");
        await ShootAsync(page, "job-drain-all");
        await Eventually.UntilAsync(async () => await _platform.Environment.QueueDepthAsync("console-faults") == 2,
            TimeSpan.FromSeconds(20), "the 2 messages back in their source queue");
    }
}
