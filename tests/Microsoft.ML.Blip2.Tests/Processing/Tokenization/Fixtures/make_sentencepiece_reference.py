"""Reference SentencePiece pieces/ids/decodings from Python sentencepiece (Debian python3-sentencepiece 0.1.97).

Trains a small T5-style unigram model (pad 0, eos 1, unk 2, no BOS, nmt_nfkc) on a seeded synthetic corpus and
records, for each text, what sentencepiece itself returns. Regenerate with (Debian's interpreter, which has the module):
    apt-get install -y python3-sentencepiece
    /usr/bin/python3 make_sentencepiece_reference.py
Writes sp_reference.model and sp_reference.json next to this script.
"""
import json
import os
import random
import tempfile

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))

SENTENCES = [
    "a photo of a dog running on the grass",
    "two people are walking along the river at night",
    "question: what color is the umbrella? answer: blue",
    "The café on the corner serves coffee and croissants.",
    "She bought 3 apples, 12 oranges and 250 grams of cheese.",
    "A close-up of a red bicycle leaning against a brick wall.",
    "Summarize: the weather was cold, so they stayed inside.",
    "Is there a cat on the sofa? Yes, there is.",
    "Children play football in the park every Saturday morning.",
    "The train leaves at 7:45 from platform 9.",
]
WORDS = ("the a an of on in at to and or with without over under near far big small red green blue yellow "
         "dog cat bird horse car bus train boat plane tree house street river mountain beach sky sun moon "
         "man woman child people player team game ball water food coffee table chair window door photo image "
         "running walking sitting standing looking holding eating drinking playing flying is are was were").split()


def corpus_lines():
    rng = random.Random(1234)
    lines = list(SENTENCES) * 20
    for _ in range(2000):
        lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))))
    return lines


TEXTS = [
    "a photo of a dog running on the grass",
    "",
    " leading space",
    "trailing space ",
    "multiple   spaces   here",
    "line one\nline two\n\nline four",
    "tabs\tand\r\nwindows newlines",
    "Numbers: 12345 and 3.14159, 1,000,000",
    "It's, don't, we're, I'll",
    "café naïve résumé Ångström",
    "日本語のテキストと中文",
    "emoji 😀👍🏽 and 🇫🇷 flags",
    "ﬁ ﬂ ½ ① ＡＢＣ１２３ full width",
    "zero\u200bwidth and non\xa0breaking and\u3000ideographic",
    "Ṱ̺̺o͞ combining marks",
    "repeated!!!??? ... ---",
    "URL https://example.com/path?q=1&r=2#frag",
    "mixedCASE camelCase snake_case kebab-case",
    "\u2581underline\u2581 characters \u2581",
    "   ",
    "\n",
    "Question: What color is the car? Answer: red",
    "spaces before punctuation , like this . do n't ? I 'm",
    "€100 ≈ ¥15000 • ½",
    "Ελληνικά and Русский",
    "x",
    "UPPER CASE SENTENCE WITH WORDS",
    "The train leaves at 7:45 from platform 9.",
    "a<b>c [d] {e} (f) |g| ~h~ ^i^",
    "unknown run: 你好世界 then known",
    "𝐀𝐁𝐂 math letters",
    "The quick brown fox jumps over the lazy dog while the small cat watches from the window.",
]

# Piece lists decoded as given (not from ids), for the decoder's rules: leading '▁' handling, control and unknown
# pieces, strings that are not pieces at all.
DECODE_PIECES = [
    ["\u2581a", "\u2581photo"],
    ["\u2581", "\u2581a"],
    ["", "\u2581a"],
    ["x", "\u2581a"],
    ["<unk>", "\u2581a"],
    ["\u2581", "\u2581", "\u2581a"],
    ["</s>", "\u2581a"],
    ["<pad>", "\u2581", "\u2581a", "</s>"],
    ["\u2581\u2581b", "\u2581a"],
    ["\u2581a", "\u2581\u2581b"],
    ["Question"],
    ["\u2581\u4f60\u597d", "\u2581a"],
    [],
]


def without_dummy_prefix(model_bytes):
    """Returns the serialized model with normalizer_spec.add_dummy_prefix (field 3 of field 3) set to false."""

    def varint(value):
        out = bytearray()
        while True:
            b = value & 0x7F
            value >>= 7
            if value:
                out.append(b | 0x80)
            else:
                out.append(b)
                return bytes(out)

    def read_varint(data, pos):
        shift = value = 0
        while True:
            b = data[pos]
            pos += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value, pos

    def fields(data):
        pos = 0
        while pos < len(data):
            start = pos
            key, pos = read_varint(data, pos)
            wire = key & 7
            if wire == 0:
                _, pos = read_varint(data, pos)
            elif wire == 1:
                pos += 8
            elif wire == 5:
                pos += 4
            elif wire == 2:
                length, pos = read_varint(data, pos)
                pos += length
            else:
                raise ValueError(wire)
            yield key >> 3, wire, data[start:pos]

    out = bytearray()
    for number, wire, raw in fields(model_bytes):
        if number == 3 and wire == 2:
            _, body_start = read_varint(raw, 0)
            _, body_start = read_varint(raw, body_start)
            body = bytearray()
            for inner_number, inner_wire, inner_raw in fields(raw[body_start:]):
                if not (inner_number == 3 and inner_wire == 0):
                    body += inner_raw
            body += varint(3 << 3) + varint(0)
            out += varint((3 << 3) | 2) + varint(len(body)) + body
        else:
            out += raw
    return bytes(out)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(corpus_lines()) + "\n")
        prefix = os.path.join(tmp, "sp")
        spm.SentencePieceTrainer.train(
            input=corpus, model_prefix=prefix, model_type="unigram", vocab_size=200,
            pad_id=0, eos_id=1, unk_id=2, bos_id=-1, pad_piece="<pad>", eos_piece="</s>", unk_piece="<unk>",
            character_coverage=1.0, normalization_rule_name="nmt_nfkc", split_digits=True,
            num_threads=1, shuffle_input_sentence=False, minloglevel=2)
        with open(prefix + ".model", "rb") as f:
            model_bytes = f.read()

    with open(os.path.join(HERE, "sp_reference.model"), "wb") as f:
        f.write(model_bytes)

    sp = spm.SentencePieceProcessor(model_proto=model_bytes)
    no_dummy = spm.SentencePieceProcessor(model_proto=without_dummy_prefix(model_bytes))
    cases = []
    for text in TEXTS:
        ids = sp.encode(text)
        cases.append({
            "text": text,
            "pieces": sp.encode(text, out_type=str),
            "ids": ids,
            "decode_ids": sp.decode(ids),
            "pieces_no_dummy_prefix": no_dummy.encode(text, out_type=str),
            "ids_no_dummy_prefix": no_dummy.encode(text),
        })
    decodes = [{"pieces": p, "decode": sp.decode_pieces(p), "decode_no_dummy_prefix": no_dummy.decode_pieces(p)}
               for p in DECODE_PIECES]
    reference = {
        "generator": f"sentencepiece {spm.__version__} (make_sentencepiece_reference.py)",
        "model": "sp_reference.model",
        "piece_count": sp.get_piece_size(),
        "cases": cases,
        "decode_pieces": decodes,
    }
    with open(os.path.join(HERE, "sp_reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
