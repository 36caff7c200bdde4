using LeadPlatform.Testing;
using YamlDotNet.RepresentationModel;

namespace LeadPlatform.UnitTests.Deploy;

/// <summary>
/// Compose sets up the same per-service broker users as <c>build/infra.sh</c>: a one-shot service runs
/// <c>build/broker-users.sh</c> itself (so the permission regexes have one source), every service that talks to the
/// broker connects as its own user once that service has succeeded, and nobody connects as guest.
/// </summary>
public class ComposeBrokerUsersSpecs
{
    private const string OneShot = "broker-users";

    private static readonly string[] Files = ["docker-compose.yml", "infra/compose.observability.yml"];

    private static YamlMappingNode Services(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(RepoPaths.Root, file))));
        return (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["services"];
    }

    private static YamlMappingNode? Map(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(key, out var child) ? child as YamlMappingNode : null;

    private static string? Scalar(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(key, out var child) ? (child as YamlScalarNode)?.Value : null;

    /// <summary>Each compose service's ConnectionStrings__RabbitMq, over both files (the override may set one too).</summary>
    private static List<(string Service, string Uri)> BrokerUris() => Files
        .SelectMany(file => Services(file).Children.Select(c => (Service: ((YamlScalarNode)c.Key).Value!, Uri: Scalar(Map(c.Value, "environment"), "ConnectionStrings__RabbitMq"))))
        .Where(s => s.Uri is not null).Select(s => (s.Service, s.Uri!)).ToList();

    [Test]
    public void Every_service_with_a_broker_user_in_the_script_connects_as_that_user_with_its_password_variable()
    {
        var users = BrokerUsersScript.Users();
        var compose = Services("docker-compose.yml");
        var brokerServices = users.Where(u => compose.Children.ContainsKey(u.Role)).ToList();
        Assert.That(brokerServices.Select(u => u.Role), Is.SupersetOf(new[] { "ingestion", "disposition", "notifications", "connector-enquire" }));

        var uris = BrokerUris();
        Assert.Multiple(() =>
        {
            foreach (var user in brokerServices)
            {
                var uri = uris.Where(u => u.Service == user.Role).Select(u => u.Uri).ToList();
                Assert.That(uri, Has.Count.EqualTo(1), $"{user.Role} has one broker address");
                Assert.That(uri.FirstOrDefault(), Does.StartWith($"amqp://{user.Name}:${{{user.PasswordVariable}:?").And.EndWith("@rabbitmq:5672/"),
                    $"{user.Role} connects as {user.Name} with ${{{user.PasswordVariable}}}");
                var dependsOn = Map(compose[user.Role], "depends_on");
                Assert.That(Scalar(dependsOn is null ? null : Map(dependsOn, OneShot), "condition"), Is.EqualTo("service_completed_successfully"),
                    $"{user.Role} starts once {OneShot} made its user");
            }
        });
    }

    [Test]
    public void Nobody_connects_as_guest_and_only_users_of_the_script_are_used()
    {
        var names = BrokerUsersScript.Users().Select(u => u.Name).ToHashSet();
        var uris = BrokerUris();
        Assert.That(uris, Is.Not.Empty);
        var strangers = uris.Where(u => !names.Contains(u.Uri["amqp://".Length..].Split(':')[0])).Select(u => $"{u.Service}: {u.Uri}");
        Assert.That(strangers, Is.Empty, "broker addresses whose user build/broker-users.sh does not make");
    }

    [Test]
    public void The_one_shot_service_runs_build_broker_users_sh_against_the_broker_with_every_password()
    {
        var compose = Services("docker-compose.yml");
        Assert.That(compose.Children.ContainsKey(OneShot), Is.True, $"docker-compose.yml has a {OneShot} service");
        var service = (YamlMappingNode)compose[OneShot];
        var env = Map(service, "environment")!;
        var dockerfile = Scalar(Map(service, "build"), "dockerfile");
        Assert.That(dockerfile, Is.Not.Null, $"{OneShot} is built from a Dockerfile of the repository");
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, dockerfile!));

        Assert.Multiple(() =>
        {
            // The script itself, copied from build/: no second copy of the regexes to drift.
            Assert.That(lines, Has.Some.Match(@"^COPY build/broker-users\.sh (\S+)$"), "the image holds build/broker-users.sh");
            Assert.That(lines.Single(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)), Does.Contain("broker-users.sh"));
            Assert.That(Scalar(env, "BROKER_PASSWORDS_FROM_ENV"), Is.EqualTo("1"), "passwords from compose's variables");
            Assert.That(Scalar(env, "RMQ_MGMT"), Is.EqualTo("http://rabbitmq:15672"));
            var broker = Map(compose["rabbitmq"], "environment");
            Assert.That(Scalar(env, "RMQ_ADMIN_USER"), Is.EqualTo(Scalar(broker, "RABBITMQ_DEFAULT_USER")).And.Not.EqualTo("guest"),
                "the broker's administrator (guest may not connect from another container)");
            Assert.That(Scalar(env, "RMQ_ADMIN_PASS"), Is.EqualTo(Scalar(broker, "RABBITMQ_DEFAULT_PASS")));
            foreach (var user in BrokerUsersScript.Users())
            {
                Assert.That(Scalar(env, user.PasswordVariable), Does.StartWith($"${{{user.PasswordVariable}:?"),
                    $"{OneShot} gets {user.Name}'s password, the same variable the service uses");
            }
            Assert.That(Scalar(Map(Map(service, "depends_on")!, "rabbitmq"), "condition"), Is.EqualTo("service_healthy"));
        });
    }
}
