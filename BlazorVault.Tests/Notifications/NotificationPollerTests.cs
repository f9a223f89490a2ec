using System.Collections.Concurrent;
using BlazorVault.Data;
using BlazorVault.Notifications;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using BlazorVault.Tests.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BlazorVault.Tests.Notifications;

/// <summary>The poller hands each user's new notifications to that user's circuits on its instance, and outlives a failing database.</summary>
public abstract class NotificationPollerTests(SharedVaultApp shared)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private VaultApp App => shared.App;

    [Fact]
    public async Task ANewNotification_ReachesEverySubscriberOfItsOwner_AndNoOneElses()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        using var bob = await FilesTestClient.CreateAsync(App);
        var aliceId = await Downloads.UserIdAsync(App, alice);
        var bobId = await Downloads.UserIdAsync(App, bob);
        var bytes = FilesTestClient.RandomBytes(5_000);
        var file = await alice.UploadAsync("holiday.jpg", bytes);
        var (linkId, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        var hub = App.Services.GetRequiredService<NotificationHub>();
        var firstTab = new ConcurrentQueue<NotificationUpdate>();
        var secondTab = new ConcurrentQueue<NotificationUpdate>();
        var bobsTab = new ConcurrentQueue<NotificationUpdate>();
        using var first = hub.Subscribe(aliceId, u => Take(firstTab, u));
        // A circuit that fails to take an update must not keep it from the others.
        using var broken = hub.Subscribe(aliceId, _ => throw new InvalidOperationException("circuit gone"));
        using var second = hub.Subscribe(aliceId, u => Take(secondTab, u));
        using var bobs = hub.Subscribe(bobId, u => Take(bobsTab, u));

        await Downloads.ThroughLinkAsync(App, path, bytes);

        // The flush rings this instance's poller: no test call to poll is needed.
        var arrived = await ArrivedAsync(firstTab, linkId);
        Assert.Equal(bytes.Length, arrived.Bytes);
        Assert.Equal("holiday.jpg", arrived.Subject);
        Assert.Equal(linkId, (await ArrivedAsync(secondTab, linkId)).LinkId);
        await App.Services.GetRequiredService<NotificationPoller>().PollOnceAsync(TestContext.Current.CancellationToken);
        Assert.Empty(bobsTab);
        // Each arrives once, however many polls see its row.
        Assert.Single(firstTab.SelectMany(u => u.Arrived), n => n.LinkId == linkId);
    }

    [Fact]
    public async Task MarkingRead_TellsTheOwnersOtherSubscribers()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var aliceId = await Downloads.UserIdAsync(App, alice);
        var bytes = FilesTestClient.RandomBytes(1_000);
        var file = await alice.UploadAsync("notes.txt", bytes);
        var (linkId, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        var hub = App.Services.GetRequiredService<NotificationHub>();
        var otherTab = new ConcurrentQueue<NotificationUpdate>();
        using var subscription = hub.Subscribe(aliceId, u => Take(otherTab, u));
        await Downloads.ThroughLinkAsync(App, path, bytes);
        await ArrivedAsync(otherTab, linkId);

        Assert.Equal(1, await App.Services.GetRequiredService<NotificationStore>().MarkReadAsync(aliceId, null, TestContext.Current.CancellationToken));

        await WaitUntilAsync(() => otherTab.Any(u => u.ReadChanged));
    }

    [Fact]
    public async Task Poller_WhenTheDatabaseFails_LogsIt_KeepsRunning_AndDeliversOnceItIsBack()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var aliceId = await Downloads.UserIdAsync(App, alice);
        var bytes = FilesTestClient.RandomBytes(2_000);
        var file = await alice.UploadAsync("contract.pdf", bytes);
        var (linkId, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        // A poller of its own, with its own hub, so the app's poller cannot be the one that delivers.
        var factory = new FailingFactory(App.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>(), failures: 3);
        var hub = new NotificationHub(new FakeLogger<NotificationHub>());
        var logger = new FakeLogger<NotificationPoller>();
        using var poller = new NotificationPoller(factory, hub, TimeProvider.System, logger);
        var tab = new ConcurrentQueue<NotificationUpdate>();
        using var subscription = hub.Subscribe(aliceId, u => Take(tab, u));
        await poller.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await WaitUntilAsync(() => factory.Failed >= 3);
            await Downloads.ThroughLinkAsync(App, path, bytes);

            Assert.Equal(linkId, (await ArrivedAsync(tab, linkId)).LinkId);
            Assert.False(poller.ExecuteTask!.IsCompleted);
            Assert.Equal(3, logger.Collector.GetSnapshot().Count(r => r.Level == LogLevel.Error && r.Exception is InvalidOperationException));
        }
        finally
        {
            await poller.StopAsync(CancellationToken.None);
        }
    }

    private static Task Take(ConcurrentQueue<NotificationUpdate> into, NotificationUpdate update)
    {
        into.Enqueue(update);
        return Task.CompletedTask;
    }

    private static async Task<NotificationItem> ArrivedAsync(ConcurrentQueue<NotificationUpdate> tab, Guid linkId)
    {
        NotificationItem? found = null;
        await WaitUntilAsync(() => (found = tab.SelectMany(u => u.Arrived).FirstOrDefault(n => n.LinkId == linkId)) is not null);
        return found!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private sealed class FailingFactory(IDbContextFactory<VaultDbContext> inner, int failures) : IDbContextFactory<VaultDbContext>
    {
        private int _calls;

        public int Failed => Math.Min(Volatile.Read(ref _calls), failures);

        public VaultDbContext CreateDbContext() =>
            Interlocked.Increment(ref _calls) <= failures ? throw new InvalidOperationException("The database is down.") : inner.CreateDbContext();

        public Task<VaultDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) <= failures ? throw new InvalidOperationException("The database is down.") : inner.CreateDbContextAsync(cancellationToken);
    }

    public sealed class OnSqlite(SharedVaultApp.Sqlite shared) : NotificationPollerTests(shared), IClassFixture<SharedVaultApp.Sqlite>;

    public sealed class OnPostgreSql(SharedVaultApp.PostgreSql shared) : NotificationPollerTests(shared), IClassFixture<SharedVaultApp.PostgreSql>;
}

/// <summary>Two instances on one database: a notification written by one reaches the owner's circuits on the other through its poller.</summary>
public sealed class NotificationTwoInstanceTests
{
    [Fact]
    public async Task ANotificationWrittenOnOneInstance_ReachesTheOwnersSubscribersOnTheOther()
    {
        await using var a = new VaultApp();
        await using var b = new VaultApp(a.DataDirectory);
        using var alice = await FilesTestClient.CreateAsync(a);
        var aliceId = await Downloads.UserIdAsync(a, alice);
        var bytes = FilesTestClient.RandomBytes(3_000);
        var file = await alice.UploadAsync("minutes.odt", bytes);
        var (linkId, path) = await LinkVisitor.CreateLinkAsync(alice, file.Id);
        var onB = new TaskCompletionSource<NotificationItem>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscriptionB = b.Services.GetRequiredService<NotificationHub>().Subscribe(aliceId, u =>
        {
            if (u.Arrived.FirstOrDefault(n => n.LinkId == linkId) is { } item)
            {
                onB.TrySetResult(item);
            }

            return Task.CompletedTask;
        });

        // Written by A's log; B has no doorbell for it, only its poller's tick.
        await Downloads.ThroughLinkAsync(a, path, bytes);

        var arrived = await onB.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal("minutes.odt", arrived.Subject);
        Assert.Equal(bytes.Length, arrived.Bytes);
    }
}
