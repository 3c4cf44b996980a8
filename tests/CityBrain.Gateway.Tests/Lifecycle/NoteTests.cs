using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CityBrain.Contracts;
using CityBrain.Gateway.Api;
using CityBrain.Gateway.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;

namespace CityBrain.Gateway.Tests.Lifecycle;

/// <summary>Dispatch.AddNote over the real server: a note 备注 lands in the journal with its actor and time and in the
/// watch as a change, without moving the status, the clocks or the department's board; who may write one; the limits,
/// with nothing written when refused.</summary>
[Collection(GatewayCollection.Name)]
public sealed class NoteTests(GatewayServer server) : IDisposable
{
    private readonly ApiClients _dispatcher = server.For(Who.Dispatcher());
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task AddNote_ByTheAssignedDepartment_InTheJournalWithActor_StatusClocksAndBoardUnchanged()
    {
        var id = await AssignedAsync("landscape");
        await server.ViewsCaughtUpAsync();
        var before = await server.For(Who.Viewer).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id, OmitJournal = true });

        var after = await server.For(Who.Department("landscape")).Dispatch.AddNoteAsync(new AddNoteRequest
        {
            IncidentId = id,
            Text = "已电话联系报告人，预计 15 分钟到场",
            Attachments = { new Attachment { Name = "scene.jpg", ContentType = "image/jpeg", Data = ByteString.CopyFromUtf8("jpeg bytes") } },
        });

        Assert.Equal(IncidentStatus.Assigned, after.Status);
        Assert.Equal(before.Incident.Clocks, after.Clocks);
        Assert.Equal(before.Incident.Assignments, after.Assignments);
        Assert.Equal(before.Incident.Version + 1, after.Version);
        var detail = await server.For(Who.Viewer).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id });
        var entry = detail.Journal.Entries[^1];
        Assert.Equal(after.Version, entry.Sequence);
        Assert.Equal(IncidentEvent.KindOneofCase.NoteAdded, entry.Event.KindCase);
        Assert.Equal("已电话联系报告人，预计 15 分钟到场", entry.Event.NoteAdded.Text);
        Assert.Equal("jpeg bytes", Assert.Single(entry.Event.NoteAdded.Attachments).Data.ToStringUtf8());
        Assert.Equal(("landscape-desk", Role.Department, "landscape"), (entry.Event.Actor.UserId, entry.Event.Actor.Role, entry.Event.Actor.DepartmentId));
        Assert.Equal(server.Clock.GetUtcNow(), entry.Event.At.ToDateTimeOffset());
        Assert.Equal(before.Summary.SlaDueAt, detail.Summary.SlaDueAt);
        await server.ViewsCaughtUpAsync();
        var board = await server.For(Who.Department("landscape")).Query.ListAssignmentsAsync(new ListAssignmentsRequest());
        Assert.Contains(board.Open, n => n.IncidentId == id);
    }

    [Fact]
    public async Task AddNote_AppearsInTheWatchAsAChange()
    {
        var id = await AssignedAsync("sanitation");
        using var watch = server.For(Who.Viewer).Query.WatchIncidents(new IncidentWatchQuery { FromNow = true }, deadline: DateTime.UtcNow.AddMinutes(2));
        Assert.True(await watch.ResponseStream.MoveNext());

        await _dispatcher.Dispatch.AddNoteAsync(new AddNoteRequest { IncidentId = id, Text = "现场有积水" });

        IncidentChange? change = null;
        while (change is null)
        {
            Assert.True(await watch.ResponseStream.MoveNext(), "the watch ended");
            change = watch.ResponseStream.Current.Changes.FirstOrDefault(c => c.IncidentId == id);
        }

        Assert.Equal(IncidentStatus.Assigned, change.Status);
        var e = Assert.Single(change.Events);
        Assert.Equal(("现场有积水", "dispatcher-city"), (e.NoteAdded?.Text, e.Actor.UserId));
    }

    [Fact]
    public async Task AddNote_OnAClosedIncident_Allowed_StaysClosed()
    {
        var id = await AssignedAsync("sanitation");
        var department = server.For(Who.Department("sanitation"));
        await department.Dispatch.ConfirmArrivalAsync(new DepartmentAction { IncidentId = id });
        await department.Dispatch.HandleAsync(new HandleRequest { IncidentId = id, Result = "cleared" });
        await _dispatcher.Dispatch.VerifyAsync(new VerifyRequest { IncidentId = id, Passed = true });
        await _dispatcher.Dispatch.CloseAsync(new IncidentAction { IncidentId = id });

        var after = await _dispatcher.Dispatch.AddNoteAsync(new AddNoteRequest { IncidentId = id, Text = "回访：市民满意" });

        Assert.Equal(IncidentStatus.Closed, after.Status);
    }

    [Fact]
    public async Task AddNote_GridWorkerOfTheGridAndAdmin_Allowed()
    {
        var id = await AssignedAsync("sanitation");

        await server.For(Who.Worker("g001")).Dispatch.AddNoteAsync(new AddNoteRequest { IncidentId = id, Text = "网格员巡查确认" });
        var after = await server.For(Who.Admin).Dispatch.AddNoteAsync(new AddNoteRequest { IncidentId = id, Text = "admin" });

        Assert.Equal(IncidentStatus.Assigned, after.Status);
    }

    [Fact]
    public async Task AddNote_ViewerAnotherDepartmentOrFeed_RefusedAndNothingWritten()
    {
        var id = await AssignedAsync("sanitation");
        var request = new AddNoteRequest { IncidentId = id, Text = "not mine to write" };

        var viewer = await Expect.StatusAsync(StatusCode.PermissionDenied, () => server.For(Who.Viewer).Dispatch.AddNoteAsync(request));
        var other = await Expect.StatusAsync(StatusCode.PermissionDenied, () => server.For(Who.Department("police")).Dispatch.AddNoteAsync(request));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => server.For(Who.Worker("g050")).Dispatch.AddNoteAsync(request));
        await Expect.StatusAsync(StatusCode.PermissionDenied, () => server.For(Who.Feed("notes-feed")).Dispatch.AddNoteAsync(request));

        Assert.Contains("police", other.Status.Detail, StringComparison.Ordinal);
        Assert.NotEmpty(viewer.Status.Detail);
        Assert.Equal(3, await JournalLengthAsync(id)); // reported, accepted, assigned
    }

    [Fact]
    public async Task AddNote_EmptyOrOversized_InvalidArgumentNamingTheField_NothingWritten()
    {
        var id = await AssignedAsync("sanitation");

        var empty = await Expect.StatusAsync(StatusCode.InvalidArgument, () => _dispatcher.Dispatch.AddNoteAsync(new AddNoteRequest { IncidentId = id, Text = "  " }));
        var tooLong = await Expect.StatusAsync(StatusCode.InvalidArgument, () => _dispatcher.Dispatch.AddNoteAsync(new AddNoteRequest { IncidentId = id, Text = new string('记', 2001) }));
        var bigFile = await Expect.StatusAsync(StatusCode.InvalidArgument, () => _dispatcher.Dispatch.AddNoteAsync(new AddNoteRequest
        {
            IncidentId = id,
            Text = "with a file",
            Attachments = { new Attachment { Name = "big.bin", Data = ByteString.CopyFrom(new byte[256 * 1024 + 1]) } },
        }));

        Assert.StartsWith("add_note.text: required", empty.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("add_note.text: longer than 2000 characters", tooLong.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("add_note.attachments[0].data", bigFile.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(3, await JournalLengthAsync(id));
    }

    [Fact]
    public async Task AddNote_OnTheJsonRoute_PostNotes()
    {
        var id = await AssignedAsync("sanitation");

        using var added = await PostAsync($"/v1/incidents/{id}/notes", Who.Dispatcher(), """{"text":"回访记录","attachments":[{"name":"call.mp3","uri":"https://files.example/call.mp3"}]}""");
        using var empty = await PostAsync($"/v1/incidents/{id}/notes", Who.Dispatcher(), """{"text":""}""");
        using var viewer = await PostAsync($"/v1/incidents/{id}/notes", Who.Viewer, """{"text":"x"}""");

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        using var body = JsonDocument.Parse(await added.Content.ReadAsStringAsync());
        Assert.Equal("INCIDENT_STATUS_ASSIGNED", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        Assert.Equal(4, await JournalLengthAsync(id));
    }

    public void Dispose() => _http.Dispose();

    private Task<string> AssignedAsync(string department) => AssignedIncidents.ToAsync(server, department, "notes");

    private async Task<int> JournalLengthAsync(string id) =>
        (await server.For(Who.Viewer).Query.GetIncidentAsync(new GetIncidentRequest { IncidentId = id })).Journal.Entries.Count;

    private async Task<HttpResponseMessage> PostAsync(string path, Actor caller, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.HttpAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Token(caller));
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await _http.SendAsync(request);
    }
}
