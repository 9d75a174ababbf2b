namespace Microsoft.ML.Blip2;
