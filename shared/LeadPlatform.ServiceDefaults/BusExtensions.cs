using System.Net.Security;
using LeadPlatform.ServiceDefaults.Watchdog;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace LeadPlatform.ServiceDefaults;

public static class BusExtensions
{
    public const string DefaultRabbitMq = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>
    /// MassTransit on RabbitMQ with usage telemetry off (it phones home and stalls without network),
    /// durable quorum queues for every endpoint, the endpoints of the registered consumers, and the
    /// <see cref="ConsumeWatchdog"/> that restarts the service if its consumers silently stop.
    /// </summary>
    public static IHostApplicationBuilder AddLeadPlatformBus(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? registrations = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? endpoints = null)
    {
        var address = RabbitMqAddress.Parse(builder.Configuration.GetConnectionString("RabbitMq") ?? DefaultRabbitMq);
        builder.Services.TryAddSingleton(address);
        builder.Services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            x.AddConfigureEndpointsCallback((_, _, cfg) =>
            {
                if (cfg is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.UseDurableQuorumQueue();
                }
            });
            registrations?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.UseRabbitMqHost(address);
                endpoints?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.AddConsumeWatchdog(address);
        return builder;
    }

    private static void AddConsumeWatchdog(this IHostApplicationBuilder builder, RabbitMqAddress address)
    {
        var section = builder.Configuration.GetSection(ConsumeWatchdogOptions.Section);
        builder.Services.Configure<ConsumeWatchdogOptions>(section);
        builder.Services.AddSingleton<ReadyEndpoints>();
        builder.Services.TryAddSingleton(PublishHealth.Process);
        builder.Services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<ReadyEndpoints>());
        if (section.GetValue(nameof(ConsumeWatchdogOptions.Enabled), defaultValue: true))
        {
            builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ConsumeWatchdog>(sp, address));
        }
    }

    public static void UseDurableQuorumQueue(this IRabbitMqReceiveEndpointConfigurator endpoint)
    {
        endpoint.Durable = true;
        endpoint.AutoDelete = false;
        endpoint.SetQuorumQueue();
    }

    public static void UseRabbitMqHost(this IRabbitMqBusFactoryConfigurator cfg, Uri uri) =>
        cfg.UseRabbitMqHost(RabbitMqAddress.Parse(uri.OriginalString));

    /// <summary>The first node as the host; with several nodes, all of them as the cluster MassTransit reconnects to.</summary>
    public static void UseRabbitMqHost(this IRabbitMqBusFactoryConfigurator cfg, RabbitMqAddress address)
    {
        var (host, port) = address.Nodes[0];
        cfg.Host(host, (ushort)port, address.VirtualHost, h =>
        {
            h.Username(address.UserName);
            h.Password(address.Password);
            if (address.UsesTls)
            {
                h.UseSsl(s =>
                {
                    s.ServerName = host.Trim('[', ']');
                    // MassTransit accepts an untrusted chain by default (any self-signed certificate naming the host):
                    // the chain must lead to the machine's CAs, or to the cacertfile CA below.
                    s.EnforcePolicyErrors(SslPolicyErrors.RemoteCertificateChainErrors);
                    if (address.CaCertificateFile is { } caFile)
                    {
                        s.CertificateValidationCallback = RabbitMqTls.TrustOnly(caFile);
                    }
                });
            }
            if (address.Nodes.Count > 1)
            {
                h.UseCluster(c =>
                {
                    foreach (var node in address.Nodes)
                    {
                        c.Node($"{node.Host}:{node.Port}");
                    }
                });
            }
        });
    }
}
