namespace Microsoft.ML.Blip2.Processing;

/// <summary>The named special-token attributes of a Hugging Face tokenizer, in <c>SPECIAL_TOKENS_ATTRIBUTES</c> order.</summary>
internal enum SpecialTokenRole
{
    Bos,
    Eos,
    Unk,
    Sep,
    Pad,
    Cls,
    Mask,
}

/// <summary>JSON keys of <see cref="SpecialTokenRole"/>.</summary>
internal static class SpecialTokenRoles
{
    public static IReadOnlyList<SpecialTokenRole> All { get; } = Enum.GetValues<SpecialTokenRole>();

    public static string JsonKey(SpecialTokenRole role) => role switch
    {
        SpecialTokenRole.Bos => "bos_token",
        SpecialTokenRole.Eos => "eos_token",
        SpecialTokenRole.Unk => "unk_token",
        SpecialTokenRole.Sep => "sep_token",
        SpecialTokenRole.Pad => "pad_token",
        SpecialTokenRole.Cls => "cls_token",
        SpecialTokenRole.Mask => "mask_token",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };
}
