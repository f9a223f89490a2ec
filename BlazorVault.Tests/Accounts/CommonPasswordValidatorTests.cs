using BlazorVault.Accounts;

namespace BlazorVault.Tests.Accounts;

public sealed class CommonPasswordValidatorTests
{
    [Theory]
    [InlineData("password")]
    [InlineData("PASSWORD1")]
    [InlineData("12345678")]
    [InlineData("qwertyuiop")]
    [InlineData(" iloveyou ")]
    public void IsCommon_ForWellKnownPasswords_IsTrue(string password) =>
        Assert.True(CommonPasswordValidator.IsCommon(password));

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("tr0ub4dor&3-but-longer")]
    public void IsCommon_ForUncommonPasswords_IsFalse(string password) =>
        Assert.False(CommonPasswordValidator.IsCommon(password));
}
