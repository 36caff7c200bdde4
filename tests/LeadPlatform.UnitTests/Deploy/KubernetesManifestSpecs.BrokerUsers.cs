using YamlDotNet.RepresentationModel;

namespace LeadPlatform.UnitTests.Deploy;

/// <summary>
/// Broker users on Kubernetes: every user of <c>build/broker-users.sh</c> is a messaging-topology-operator <c>User</c>
/// with a <c>Permission</c> equal to the script's regexes, on the platform's RabbitmqCluster, its credentials in a Secret
/// of its own that the service's Deployment reads; no service shares a broker user, and the console has none.
/// </summary>
public partial class KubernetesManifestSpecs
{
    private static IEnumerable<YamlNode> Env(YamlMappingNode deployment) =>
        (At(deployment, "spec", "template", "spec", "containers", 0, "env") as YamlSequenceNode)?.Children ?? [];

    private static string? EnvValue(YamlMappingNode deployment, string name) =>
        Env(deployment).Where(e => Text(e, "name") == name).Select(e => Text(e, "value")).FirstOrDefault();

    [TestCaseSource(nameof(Overlays))]
    public void Every_broker_user_of_the_script_is_a_topology_user_with_the_scripts_permissions(string overlay)
    {
        var docs = Render(overlay);
        var cluster = Name(docs.Single(d => Kind(d) == "RabbitmqCluster"));
        var users = BrokerUsersScript.Users();
        Assert.That(users, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var user in users)
            {
                var resource = Single(docs, "User", user.Name);
                Assert.That(Text(resource, "apiVersion"), Is.EqualTo("rabbitmq.com/v1beta1"));
                Assert.That(Text(resource, "spec", "rabbitmqClusterReference", "name"), Is.EqualTo(cluster), $"{user.Name} on the platform's cluster");
                var tags = (At(resource, "spec", "tags") as YamlSequenceNode)?.Children.Select(t => ((YamlScalarNode)t).Value).ToList() ?? [];
                Assert.That(string.Join(",", tags), Is.EqualTo(user.Tags), $"{user.Name}'s tags");
                var secretName = Text(resource, "spec", "importCredentialsSecret", "name");
                Assert.That(secretName, Is.EqualTo($"broker-user-{user.Role}"), $"{user.Name} has a Secret of its own");
                Assert.That(Text(Single(docs, "Secret", secretName!), "stringData", "username"), Is.EqualTo(user.Name));

                var permission = Single(docs, "Permission", user.Name);
                Assert.That(Text(permission, "spec", "rabbitmqClusterReference", "name"), Is.EqualTo(cluster));
                Assert.That(Text(permission, "spec", "userReference", "name"), Is.EqualTo(user.Name));
                Assert.That(Text(permission, "spec", "vhost"), Is.EqualTo("/"));
                Assert.That(Text(permission, "spec", "permissions", "configure"), Is.EqualTo(user.Configure), $"{user.Name} configure, as build/broker-users.sh");
                Assert.That(Text(permission, "spec", "permissions", "write"), Is.EqualTo(user.Write), $"{user.Name} write, as build/broker-users.sh");
                Assert.That(Text(permission, "spec", "permissions", "read"), Is.EqualTo(user.Read), $"{user.Name} read, as build/broker-users.sh");
            }
            var strangers = docs.Where(d => Kind(d) is "User" or "Permission").Select(Name).Except(users.Select(u => u.Name));
            Assert.That(strangers, Is.Empty, "topology users or permissions the script does not make");
        });
    }

    [TestCaseSource(nameof(Overlays))]
    public void Every_service_connects_to_the_broker_as_its_own_user_with_its_own_secret(string overlay)
    {
        var docs = Render(overlay);
        var users = BrokerUsersScript.Users().ToDictionary(u => u.Role);
        var brokerServices = Services().Where(users.ContainsKey).ToList();
        Assert.That(brokerServices, Is.SupersetOf(new[] { "ingestion", "disposition", "notifications", "connector-enquire" }));
        Assert.Multiple(() =>
        {
            foreach (var service in brokerServices)
            {
                var deployment = Single(docs, "Deployment", service);
                Assert.That(EnvValue(deployment, "ConnectionStrings__RabbitMq"), Does.StartWith($"amqp://{users[service].Name}:$(BROKER_PASSWORD)@"),
                    $"{service} connects as {users[service].Name}");
                var password = Env(deployment).Single(e => Text(e, "name") == "BROKER_PASSWORD");
                Assert.That(Text(password, "valueFrom", "secretKeyRef", "name"), Is.EqualTo($"broker-user-{service}"), $"{service} reads its own Secret");
                Assert.That(Text(password, "valueFrom", "secretKeyRef", "key"), Is.EqualTo("password"));
                // Kubernetes expands $(VAR) only from variables listed before it.
                var names = Env(deployment).Select(e => Text(e, "name")).ToList();
                Assert.That(names.IndexOf("BROKER_PASSWORD"), Is.LessThan(names.IndexOf("ConnectionStrings__RabbitMq")));
                Assert.That(names.IndexOf("BROKER_NODES"), Is.InRange(0, names.IndexOf("ConnectionStrings__RabbitMq")));
            }
            var withoutUser = Services().Where(s => !users.ContainsKey(s)).Select(s => Single(docs, "Deployment", s))
                .Where(d => Env(d).Any(e => Text(e, "name") == "ConnectionStrings__RabbitMq")).Select(Name);
            Assert.That(withoutUser, Is.Empty, "services the script has no broker user for get no broker credentials");
        });
    }
}
