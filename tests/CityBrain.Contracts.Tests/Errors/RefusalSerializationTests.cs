using System.Reflection;
using CityBrain.Contracts.Tests.Serialization;

namespace CityBrain.Contracts.Tests.Errors;

public sealed class RefusalSerializationTests(SerializerFixture fixture) : IClassFixture<SerializerFixture>
{
    [Theory]
    [MemberData(nameof(Refusals.Names), MemberType = typeof(Refusals))]
    public void RoundTrip_RefusalAsException_KeepsTypeMessageAndProperties(string name)
    {
        var refusal = Refusals.ByName(name);

        var result = fixture.RoundTrip<Exception>(refusal);

        Refusals.AssertSame(refusal, result);
    }

    [Theory]
    [MemberData(nameof(Refusals.Names), MemberType = typeof(Refusals))]
    public void Copy_Refusal_KeepsTypeMessageAndProperties(string name)
    {
        var refusal = Refusals.ByName(name);

        var copy = fixture.Copier.Copy<Exception>(refusal);

        Refusals.AssertSame(refusal, copy);
    }

    [Fact]
    public void RoundTrip_ValidationExceptionAfterStackTrace_KeepsRemoteStackTrace()
    {
        Exception thrown;
        try
        {
            throw Refusals.Validation();
        }
        catch (ValidationException e)
        {
            thrown = e;
        }

        var result = fixture.RoundTrip(thrown);

        Assert.Contains(nameof(RoundTrip_ValidationExceptionAfterStackTrace_KeepsRemoteStackTrace), result.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundTrip_FieldError_ReadsBackEqual()
    {
        var error = new FieldError("dispatch_linkage.department_ids[1]", "department 'roads' is listed twice");

        Assert.Equal(error, fixture.RoundTrip(error));
    }

    [Fact]
    public void RefusalTypes_EveryConcreteRefusal_IsGeneratedSerializerWithAlias()
    {
        var refusals = typeof(CityBrainException).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(CityBrainException)) && !t.IsAbstract)
            .ToList();

        Assert.NotEmpty(refusals);
        Assert.All(refusals, t =>
        {
            Assert.NotNull(t.GetCustomAttribute<GenerateSerializerAttribute>());
            Assert.NotNull(t.GetCustomAttribute<AliasAttribute>());
        });
    }
}
