namespace Blip2.Trainers;

/// <summary>Marker type of the Blip2.Trainers assembly.</summary>
internal static class AssemblyMarker
{
}
