using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace LeadPlatform.ServiceDefaults;

public static class BusExtensions
{
    public const string DefaultRabbitMq = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>
    /// MassTransit on RabbitMQ with usage telemetry off (it phones home and stalls without network),
    /// durable quorum queues for every endpoint, and the endpoints of the registered consumers.
    /// </summary>
    public static IHostApplicationBuilder AddLeadPlatformBus(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? registrations = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? endpoints = null)
    {
        var uri = new Uri(builder.Configuration.GetConnectionString("RabbitMq") ?? DefaultRabbitMq);
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
                cfg.UseRabbitMqHost(uri);
                endpoints?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    public static void UseDurableQuorumQueue(this IRabbitMqReceiveEndpointConfigurator endpoint)
    {
        endpoint.Durable = true;
        endpoint.AutoDelete = false;
        endpoint.SetQuorumQueue();
    }

    public static void UseRabbitMqHost(this IRabbitMqBusFactoryConfigurator cfg, Uri uri)
    {
        var credentials = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        cfg.Host(uri.Host, (ushort)(uri.Port > 0 ? uri.Port : 5672), vhost.Length == 0 ? "/" : vhost, h =>
        {
            h.Username(credentials.Length > 0 && credentials[0].Length > 0 ? credentials[0] : "guest");
            h.Password(credentials.Length > 1 ? credentials[1] : "guest");
        });
    }
}
