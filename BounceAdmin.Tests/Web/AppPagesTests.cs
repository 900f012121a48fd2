namespace BounceAdmin.Tests.Web;

public sealed class AppPagesTests
{
    [Fact]
    public void EveryRoutablePageIsInTheAccessTable()
        => Assert.Empty(AppPages.Unlisted);
}
