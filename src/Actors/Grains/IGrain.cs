namespace CityBrain.Actors;

/// <summary>
/// Marker for a grain interface. A grain is identified by its type and a string key; every method
/// returns <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>
/// and takes immutable records or protobuf messages, so a call can cross silos unchanged.
/// The source generator in CityBrain.Actors.Generator emits a grain reference for every interface
/// deriving from this one.
/// </summary>
public interface IGrain;
