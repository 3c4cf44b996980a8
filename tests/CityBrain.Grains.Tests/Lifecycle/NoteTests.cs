using CityBrain.Contracts;
using CityBrain.Grains.Tests.Infrastructure;
using Google.Protobuf;

namespace CityBrain.Grains.Tests.Lifecycle;

/// <summary>Notes 备注 without a state change (Dispatch.AddNote), on the pure rules and fold: recorded with their actor
/// and time, nothing else moves; who may write one; the limits.</summary>
public sealed class NoteTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static Action<IncidentCommand> Note(string text, params Attachment[] attachments) =>
        c => c.AddNote = new AddNoteAction { Text = text, Attachments = { attachments } };

    [Fact]
    public void AddNote_OnAnOpenIncident_JournaledWithActorAndTime_StatusAndClocksUnchanged()
    {
        var story = new Story().After(Minute).Accept().After(Minute).Assign("sanitation").After(Minute);
        var before = story.State.Clone();

        story.Do(Who.Department("sanitation"), Note("到场前电话联系报告人，约 10 分钟后到\n第二行", new Attachment { Name = "photo.jpg", ContentType = "image/jpeg", Uri = "https://files.example/photo.jpg" }), reason: "");

        var e = story.Journal[^1];
        Assert.Equal(IncidentEvent.KindOneofCase.NoteAdded, e.KindCase);
        Assert.Equal("dept-sanitation", e.Actor.UserId);
        Assert.Equal(story.Now, e.At.ToDateTimeOffset());
        Assert.Equal("到场前电话联系报告人，约 10 分钟后到\n第二行", e.NoteAdded.Text);
        Assert.Equal("photo.jpg", Assert.Single(e.NoteAdded.Attachments).Name);
        Assert.Equal(before.Status, story.State.Status);
        Assert.Equal(before.Clocks, story.State.Clocks);
        Assert.Equal(before.Assignments, story.State.Assignments);
        Assert.Equal(before.EscalationLevel, story.State.EscalationLevel);
        Assert.Equal(before.Version + 1, story.State.Version);
    }

    [Fact]
    public void AddNote_OnAClosedIncident_IsAllowed_ACallBackRecord()
    {
        var story = new Story().Accept().Assign().Arrive("sanitation").Handle("sanitation").Verify().Close();

        story.Do(Who.Dispatcher, Note("回访：市民表示满意"), reason: "");

        Assert.Equal(IncidentStatus.Closed, story.State.Status);
        Assert.Equal("回访：市民表示满意", story.Journal[^1].NoteAdded.Text);
    }

    [Fact]
    public void AddNote_ByWhom_CenterAssignedDepartmentAndGridWorkerOfTheArea()
    {
        var story = new Story().Accept().Assign("sanitation");

        story.Do(Who.Admin, Note("admin"));
        story.Do(Who.Dispatcher, Note("dispatcher of the street"));
        story.Do(Who.Worker("g001"), Note("worker of the grid"));
        story.Do(Who.Department("sanitation"), Note("the assigned department"));

        Assert.Equal(4, story.Journal.Count(e => e.KindCase == IncidentEvent.KindOneofCase.NoteAdded));
        var count = story.Journal.Count;
        Assert.Throws<PermissionDeniedException>(() => story.Do(Who.Viewer, Note("viewer")));
        Assert.Throws<PermissionDeniedException>(() => story.Do(Who.Department("police"), Note("another department")));
        Assert.Throws<PermissionDeniedException>(() => story.Do(Who.Worker("g050"), Note("worker of another grid")));
        Assert.Throws<PermissionDeniedException>(() => story.Do(Who.CommunityDispatcher("c10"), Note("dispatcher of another community")));
        Assert.Throws<PermissionDeniedException>(() => story.Do(Who.Feed("12345"), Note("the feed")));
        Assert.Equal(count, story.Journal.Count);
    }

    [Fact]
    public void AddNote_ByADepartmentThatReturnedItsAssignment_IsAllowed()
    {
        var story = new Story().Accept().Assign("police").Return("police");

        story.Do(Who.Department("police"), Note("why we returned it"));

        Assert.Equal(IncidentEvent.KindOneofCase.NoteAdded, story.Journal[^1].KindCase);
    }

    [Theory]
    [InlineData("", "add_note.text: required")]
    [InlineData("   \n ", "add_note.text: required")]
    [InlineData("bell\u0007", "add_note.text: contains control characters")]
    public void AddNote_BadText_RefusedNamingTheField(string text, string expected)
    {
        var story = new Story();

        var error = Assert.Throws<ValidationException>(() => story.Do(Who.Dispatcher, Note(text)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Single(story.Journal);
    }

    [Fact]
    public void AddNote_TooLongOrBadAttachments_RefusedNamingEachField()
    {
        var story = new Story();

        var tooLong = Assert.Throws<ValidationException>(() => story.Do(Who.Dispatcher, Note(new string('备', 2001))));
        var attachments = Assert.Throws<ValidationException>(() => story.Do(Who.Dispatcher, Note(
            "with files",
            new Attachment { Name = "a.jpg", Uri = "ftp://files.example/a.jpg" },
            new Attachment { Name = "b.bin", Data = ByteString.CopyFrom(new byte[256 * 1024 + 1]) },
            new Attachment { Uri = "https://files.example/c.jpg" })));

        Assert.Equal("add_note.text", Assert.Single(tooLong.Errors).Path);
        Assert.Equal(["add_note.attachments[0].uri", "add_note.attachments[1].data", "add_note.attachments[2].name"], attachments.Errors.Select(e => e.Path));
        Assert.Single(story.Journal);
    }

    [Fact]
    public void AddNote_TheLongestNote_IsAccepted()
    {
        var story = new Story();

        story.Do(Who.Dispatcher, Note(new string('备', 2000)));

        Assert.Equal(2000, story.Journal[^1].NoteAdded.Text.Length);
    }
}
