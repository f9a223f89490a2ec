namespace BlazorVault.Notifications;

public static class NotificationsExtensions
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton<NotificationHub>();
        services.AddSingleton<NotificationStore>();
        services.AddSingleton<NotificationPoller>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationPoller>());
        services.AddSingleton<NotificationPurger>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationPurger>());
        return services;
    }

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapNotificationApi();
        return endpoints;
    }
}
