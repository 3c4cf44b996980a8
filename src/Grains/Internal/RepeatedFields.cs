using Google.Protobuf.Collections;

namespace CityBrain.Grains.Internal;

/// <summary>
/// Allocation-free iteration of protobuf repeated fields. <see cref="RepeatedField{T}.GetEnumerator"/> is an iterator
/// object, one allocation per <c>foreach</c> (even over an empty field); the incident's fold, SLA engine and notices
/// loop over its fields on every event, so they use <c>foreach (var x in field.Items())</c> instead.
/// </summary>
internal static class RepeatedFields
{
    public static FieldItems<T> Items<T>(this RepeatedField<T> field) => new(field);
}

/// <summary>A repeated field's items by index; items added during the loop are visited too.</summary>
internal readonly struct FieldItems<T>(RepeatedField<T> items)
{
    public Enumerator GetEnumerator() => new(items);

    public struct Enumerator(RepeatedField<T> items)
    {
        private int _index = -1;

        public readonly T Current => items[_index];

        public bool MoveNext() => ++_index < items.Count;
    }
}
