import { readFile } from 'node:fs/promises';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

// jieba's classic cutter (dictionary DAG + HMM), the same algorithm as Python jieba's, in Rust. Short
// sentences are cut in place (microseconds); long ones on libuv's pool, so the event loop is never held.

/** Characters above which a sentence is cut off the event loop. */
const ASYNC_FROM_CHARS = 2000;

export class ClassicCutter {
  private constructor(private readonly jieba: Jieba) {}

  static async create(userDict: string | undefined): Promise<ClassicCutter> {
    const jieba = Jieba.withDict(dict);
    if (userDict) {
      let text: Buffer;
      try {
        text = await readFile(userDict);
      } catch (error) {
        throw new Error(`jieba_paddle: init_args.user_dict ${userDict} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      jieba.loadDict(text);
    }
    return new ClassicCutter(jieba);
  }

  async cut(sentence: string, cutAll: boolean, hmm: boolean): Promise<string[]> {
    if (cutAll) return asPythonCutAll(sentence, this.jieba.cutAll(sentence));
    if (sentence.length < ASYNC_FROM_CHARS) return this.jieba.cut(sentence, hmm);
    return (await this.jieba.cutAsync(sentence, hmm)) as string[];
  }
}

/**
 * Python jieba's full mode from jieba-rs's: the Rust cutter lists, position by position, every dictionary word
 * starting there (the character itself first); Python yields a position's lone word only when no earlier word
 * covers it, and of several words only those longer than one character. Mixed Latin and Chinese tokens may
 * still differ (jieba-rs keeps "A" apart from "A股").
 */
export function asPythonCutAll(sentence: string, words: readonly string[]): string[] {
  const out: string[] = [];
  let at = -1;
  let lastEnd = -1;
  for (let i = 0; i < words.length; ) {
    at = sentence.indexOf(words[i]!, at + 1);
    const group = [words[i++]!];
    while (i < words.length && words[i]!.length > group[group.length - 1]!.length && sentence.startsWith(words[i]!, at)) group.push(words[i++]!);
    if (group.length === 1) {
      if (at > lastEnd) {
        out.push(group[0]!);
        lastEnd = at + group[0]!.length - 1;
      }
    } else {
      for (const word of group) {
        if (word.length < 2) continue;
        out.push(word);
        lastEnd = at + word.length - 1;
      }
    }
    if (at < 0) break;
  }
  return out;
}
