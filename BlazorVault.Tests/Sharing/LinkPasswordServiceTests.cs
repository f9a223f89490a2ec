using System.Text;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace BlazorVault.Tests.Sharing;

/// <summary>The pause of a link after wrong passwords, in time: the window they are counted in, and the pause's end.</summary>
public sealed class LinkPasswordServiceTests : IAsyncLifetime
{
    private const string Password = "open sesame 42";
    private static readonly ShareClient Visitor = new("192.0.2.1");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private FilesTestBed _bed = null!;
    private string _alice = null!;
    private FileItem _file = null!;

    public async ValueTask InitializeAsync()
    {
        // Defaults: 12 wrong passwords within 15 minutes pause a link for 15 minutes.
        _bed = await FilesTestBed.CreateAsync(clock: _clock);
        _alice = await _bed.AddUserAsync("alice");
        var stored = await _bed.Files.UploadAsync(_alice, "report.pdf", "application/pdf", new MemoryStream(Encoding.UTF8.GetBytes("%PDF-1.7")));
        _file = Assert.IsType<UploadResult.Stored>(stored).File;
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    private async Task<ShareLinkInfo> CreateAsync() =>
        Assert.IsType<CreateLinkResult.Created>(await _bed.Links.CreateAsync(_alice, _file.Id, TimeSpan.FromDays(7), null, Password)).Link;

    private Task<UnlockResult> TryAsync(ShareLinkInfo link, string password) => _bed.Links.UnlockAsync(link.PublicId, password, Visitor);

    [Fact]
    public async Task WrongPasswords_SpreadOverLongerThanTheWindow_NeverPauseTheLink()
    {
        var link = await CreateAsync();
        for (var i = 0; i < 30; i++)
        {
            Assert.IsType<UnlockResult.Wrong>(await TryAsync(link, "guess"));
            // 11 within each 15 minutes at most.
            _clock.Advance(TimeSpan.FromMinutes(1.5));
        }

        Assert.IsType<UnlockResult.Unlocked>(await TryAsync(link, Password));
    }

    [Fact]
    public async Task Pause_RefusesEvenTheRightPassword_UntilItEnds_ThenCountsAfresh()
    {
        var link = await CreateAsync();
        for (var i = 0; i < 11; i++)
        {
            Assert.IsType<UnlockResult.Wrong>(await TryAsync(link, "guess"));
        }

        var paused = Assert.IsType<UnlockResult.Paused>(await TryAsync(link, "guess"));
        Assert.Equal(TimeSpan.FromMinutes(15), paused.Left);
        _clock.Advance(TimeSpan.FromMinutes(14));
        Assert.IsType<UnlockResult.Paused>(await TryAsync(link, Password));
        Assert.NotNull((await _bed.Links.ListAsync(_alice, _file.Id))!.Single().PausedUntil);

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null((await _bed.Links.ListAsync(_alice, _file.Id))!.Single().PausedUntil);
        Assert.IsType<UnlockResult.Wrong>(await TryAsync(link, "guess"));
        Assert.IsType<UnlockResult.Unlocked>(await TryAsync(link, Password));
    }

    [Fact]
    public async Task Proof_LastsItsLifetime_AndNoLongerThanTheLink()
    {
        var link = Assert.IsType<CreateLinkResult.Created>(await _bed.Links.CreateAsync(_alice, _file.Id, TimeSpan.FromMinutes(10), null, Password)).Link;

        var unlocked = Assert.IsType<UnlockResult.Unlocked>(await TryAsync(link, Password));

        Assert.Equal(link.ExpiresAt, unlocked.Expires);
        Assert.IsType<LinkPage.Open>(await _bed.Links.OpenAsync(link.PublicId, unlocked.Proof));
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.IsType<LinkPage.Gone>(await _bed.Links.OpenAsync(link.PublicId, unlocked.Proof));
    }
}
