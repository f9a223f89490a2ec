using BlazorVault.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BlazorVault.Tests.Accounts;

public sealed class BcryptPasswordHasherTests
{
    private static readonly VaultUser User = new() { UserName = "alice" };

    private static BcryptPasswordHasher Hasher(int workFactor) =>
        new(Options.Create(new VaultOptions { Passwords = new PasswordSettings { BcryptWorkFactor = workFactor } }));

    [Fact]
    public void Verify_WithTheSamePassword_Succeeds()
    {
        var hasher = Hasher(4);
        var hash = hasher.HashPassword(User, "correct horse battery staple");

        Assert.StartsWith("$2", hash);
        Assert.DoesNotContain("correct horse", hash);
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(User, hash, "correct horse battery staple"));
    }

    [Fact]
    public void Hash_OfTheSamePasswordTwice_UsesDifferentSalts()
    {
        var hasher = Hasher(4);
        Assert.NotEqual(hasher.HashPassword(User, "same password"), hasher.HashPassword(User, "same password"));
    }

    [Theory]
    [InlineData("correct horse battery stapler")]
    [InlineData("Correct horse battery staple")]
    [InlineData("")]
    public void Verify_WithAnotherPassword_Fails(string provided)
    {
        var hasher = Hasher(4);
        var hash = hasher.HashPassword(User, "correct horse battery staple");

        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(User, hash, provided));
    }

    [Fact]
    public void Verify_WhenTheHashHasALowerWorkFactor_AsksForARehash()
    {
        var oldHash = Hasher(4).HashPassword(User, "correct horse battery staple");

        var hasher = Hasher(5);

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, hasher.VerifyHashedPassword(User, oldHash, "correct horse battery staple"));
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(User, hasher.HashPassword(User, "correct horse battery staple"), "correct horse battery staple"));
    }

    [Fact]
    public void Verify_WhenTheHashHasALowerWorkFactorButTheWrongPassword_Fails()
    {
        var oldHash = Hasher(4).HashPassword(User, "correct horse battery staple");
        Assert.Equal(PasswordVerificationResult.Failed, Hasher(5).VerifyHashedPassword(User, oldHash, "wrong"));
    }

    [Fact]
    public void Verify_WithPasswordsSharingTheirFirst72Bytes_TellsThemApart()
    {
        var prefix = new string('a', 72);
        var hasher = Hasher(4);
        var hash = hasher.HashPassword(User, prefix + "first");

        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(User, hash, prefix + "first"));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(User, hash, prefix + "second"));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(User, hash, prefix));
    }

    [Fact]
    public void Verify_WithMultiByteCharactersPast72Bytes_TellsThemApart()
    {
        // 36 two-byte characters fill bcrypt's 72 bytes on their own.
        var prefix = new string('é', 36);
        var hasher = Hasher(4);
        var hash = hasher.HashPassword(User, prefix + "x");

        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(User, hash, prefix + "y"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a hash")]
    [InlineData("AQAAAAIAAYagAAAAEJ1cWsHj0hN5zX0Wq3fM")]
    public void Verify_AgainstSomethingThatIsNotABcryptHash_FailsWithoutThrowing(string stored)
    {
        Assert.Equal(PasswordVerificationResult.Failed, Hasher(4).VerifyHashedPassword(User, stored, "anything"));
    }
}
