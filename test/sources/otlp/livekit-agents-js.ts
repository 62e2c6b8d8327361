/**
 * The real `@livekit/agents` (agents-js, npm 1.9.0) voice pipeline, run in this process with no
 * room and no network: an `AgentSession` with STT, LLM, TTS, VAD, audio input and audio output
 * written here on the package's own base classes (`stt.STT`/`SpeechStream`, `llm.LLM`/`LLMStream`,
 * `tts.TTS`/`SynthesizeStream`, `VAD`/`VADStream`, `AudioInput`/`AudioOutput`), each doing what a
 * provider does after a scripted delay. Everything between them is the package's: turn detection,
 * endpointing, the LLM and TTS nodes, playout, interruption, and the spans its tracer writes.
 *
 * How the package's own tests drive a session without a room (read at 1.9.0, under
 * node_modules/@livekit/agents/src): voice/agent_session_transcription_timeout.test.ts (a VAD whose
 * events the test emits, an AudioInput fed frames by the test), stt/testing/fake_stt.ts (a
 * SpeechStream queueing FINAL_TRANSCRIPT events), voice/testing/fake_llm.ts (an LLMStream queueing
 * chunks after a `ttft` delay), voice/agent_activity_interrupted_commit.test.ts (AudioOutputs that
 * report playback themselves). Those fakes are not exported; these follow their shape.
 *
 * Every fake marks (Date.now()) the instant it hands its event on, so a test can compare what
 * sidetone derives from the spans with what happened, as well as with the script.
 */

import { ReadableStream, type ReadableStreamDefaultController } from 'node:stream/web';
import {
  Agent,
  AgentSession,
  AudioInput,
  AudioOutput,
  asLanguageCode,
  DEFAULT_API_CONNECT_OPTIONS,
  initializeLogger,
  llm,
  stt,
  telemetry,
  tts,
  VAD,
  type VADEvent,
  VADEventType,
  VADStream,
} from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { until } from '../../helpers/until.js';

/** One caller turn and the agent's reply, in ms. */
export interface ScriptedTurn {
  /** What the caller says (the STT's final transcript; also the LLM's key for its reply). */
  words: string;
  /** VAD speech length: START_OF_SPEECH to END_OF_SPEECH. */
  speechMs: number;
  /** END_OF_SPEECH to the STT's final transcript. */
  sttMs: number;
  /** The LLM stream's first chunk, after the request (the whole reply comes in that chunk). */
  ttftMs: number;
  /** The TTS stream's first audio after the text reached it. */
  ttfbMs: number;
  /** The reply's audio length. */
  audioMs: number;
  reply: string;
  /** The caller barges in this long after the reply's first audio (its words are the next turn's). */
  bargeInAfterMs?: number;
}

/** The fakes' marks: what each did when, per turn index (Date.now(), epoch ms). */
export interface TurnMarks {
  userStarted?: number;
  userStopped?: number;
  sttFinal?: number;
  llmRequested?: number;
  llmFirstToken?: number;
  ttsText?: number;
  ttsFirstByte?: number;
  playbackStarted?: number;
  playbackEnded?: number;
  interrupted?: boolean;
}

/**
 * A scripted delay: what a provider or the caller takes (the conversation runs in real time). Not
 * a wait for a condition: those poll with `until`.
 */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** 20 ms of 24 kHz mono silence, what the fake TTS streams. */
const ttsFrame = () => new AudioFrame(new Int16Array(480), 24_000, 1, 480);
/** 20 ms of 16 kHz mono silence, what the line sends while the caller speaks or not. */
const lineFrame = () => new AudioFrame(new Int16Array(320), 16_000, 1, 320);

function vadEvent(type: VADEventType, o: Partial<VADEvent> = {}): VADEvent {
  return {
    type,
    samplesIndex: 0,
    timestamp: Date.now(),
    // 0: the package subtracts these from Date.now() to place the speech edges
    // (voice/audio_recognition.ts createVadTask), so the edges are when the event is processed.
    speechDuration: 0,
    silenceDuration: 0,
    inferenceDuration: 0,
    frames: [],
    probability: 1,
    speaking: type !== VADEventType.END_OF_SPEECH,
    rawAccumulatedSilence: 0,
    rawAccumulatedSpeech: 0,
    ...o,
  };
}

/** A VAD whose events the script emits; its input is drained so the tee'd audio never stalls. */
class ScriptedVADStream extends VADStream {
  constructor(vad: VAD) {
    super(vad);
    void this.drain();
  }
  private async drain(): Promise<void> {
    try {
      while (!this.closed) if ((await this.inputReader.read()).done) break;
    } catch {
      // the stream was closed under the read: the session is over
    }
  }
  emit(ev: VADEvent): void {
    this.sendVADEvent(ev);
  }
}

class ScriptedVAD extends VAD {
  label = 'scripted-vad';
  readonly streams: ScriptedVADStream[] = [];
  constructor() {
    super({ updateInterval: 32 });
  }
  stream(): ScriptedVADStream {
    const s = new ScriptedVADStream(this);
    this.streams.push(s);
    return s;
  }
}

/** A streaming STT: audio in (ignored), the final transcript when the script says. */
class ScriptedSpeechStream extends stt.SpeechStream {
  label = 'scripted-stt.stream';
  protected async run(): Promise<void> {
    for await (const _ of this.input) {
      // the words come from the script, not the audio
    }
  }
  final(text: string): void {
    this.queue.put({
      type: stt.SpeechEventType.FINAL_TRANSCRIPT,
      alternatives: [{ text, language: asLanguageCode('en'), startTime: 0, endTime: 0, confidence: 0.9 }],
    });
  }
}

class ScriptedSTT extends stt.STT {
  label = 'scripted-stt';
  readonly streams: ScriptedSpeechStream[] = [];
  constructor() {
    super({ streaming: true, interimResults: false });
  }
  protected async _recognize(): Promise<stt.SpeechEvent> {
    throw new Error('streaming only');
  }
  stream(o?: { connOptions?: typeof DEFAULT_API_CONNECT_OPTIONS }): ScriptedSpeechStream {
    const s = new ScriptedSpeechStream(this, undefined, o?.connOptions);
    this.streams.push(s);
    return s;
  }
}

class ScriptedLLMStream extends llm.LLMStream {
  constructor(
    model: llm.LLM,
    params: ConstructorParameters<typeof llm.LLMStream>[1],
    private readonly turn: ScriptedTurn,
    private readonly marks: TurnMarks,
  ) {
    super(model, params);
  }
  protected async run(): Promise<void> {
    await sleep(this.turn.ttftMs);
    this.marks.llmFirstToken = Date.now();
    this.queue.put({ id: 'scripted', delta: { role: 'assistant', content: this.turn.reply } });
  }
}

class ScriptedLLM extends llm.LLM {
  constructor(private readonly run: ConversationRun) {
    super();
  }
  label(): string {
    return 'scripted-llm';
  }
  override get model(): string {
    return 'scripted-llm-1';
  }
  chat({ chatCtx, toolCtx, connOptions }: Parameters<llm.LLM['chat']>[0]): llm.LLMStream {
    const said = [...chatCtx.items]
      .reverse()
      .find((i): i is llm.ChatMessage => i.type === 'message' && i.role === 'user')?.textContent;
    const i = this.run.script.findIndex((t) => t.words === said);
    const marks = this.run.marks[i] as TurnMarks;
    marks.llmRequested = Date.now();
    return new ScriptedLLMStream(
      this,
      { chatCtx, toolCtx, connOptions: connOptions ?? DEFAULT_API_CONNECT_OPTIONS },
      this.run.script[i] as ScriptedTurn,
      marks,
    );
  }
}

/** The scripted reply `text` begins: marked, then its audio `ttfbMs` later, frame by frame to `put`. */
async function synthesize(run: ConversationRun, text: string, put: (a: tts.SynthesizedAudio) => void) {
  const i = run.script.findIndex((t) => text.startsWith(t.reply.slice(0, 12)));
  const turn = run.script[i] as ScriptedTurn;
  const marks = run.marks[i] as TurnMarks;
  marks.ttsText = Date.now();
  await sleep(turn.ttfbMs);
  marks.ttsFirstByte = Date.now();
  const n = Math.round(turn.audioMs / 20);
  for (let k = 0; k < n; k++)
    put({ requestId: `r${i}`, segmentId: `s${i}`, frame: ttsFrame(), final: k === n - 1 });
}

/** A streaming TTS (a websocket provider): the first text of a reply starts it. */
class ScriptedTTSStream extends tts.SynthesizeStream {
  label = 'scripted-tts.stream';
  constructor(
    private readonly run_: ConversationRun,
    engine: tts.TTS,
    connOptions?: typeof DEFAULT_API_CONNECT_OPTIONS,
  ) {
    super(engine, connOptions);
  }
  protected async run(): Promise<void> {
    let speaking: Promise<void> | undefined;
    for await (const text of this.input) {
      if (typeof text !== 'string' || speaking !== undefined) continue;
      // The anchor of the package's TTFB (tts/tts.ts markStarted): the text reached the provider.
      this.markStarted();
      speaking = synthesize(this.run_, text, (a) => this.queue.put(a));
    }
    await speaking;
    this.queue.put(tts.SynthesizeStream.END_OF_STREAM);
  }
}

/**
 * A chunked TTS (a plain HTTP provider): one request per text. The package wraps it in its
 * StreamAdapter and sentence tokenizer (voice/agent.ts ttsNode), whose own `tts_request` is the
 * one under `tts_node`; this request's is nested under that one's `tts_request_run`.
 */
class ScriptedChunkedStream extends tts.ChunkedStream {
  label = 'scripted-tts.chunked';
  constructor(
    text: string,
    private readonly run_: ConversationRun,
    engine: tts.TTS,
    connOptions?: typeof DEFAULT_API_CONNECT_OPTIONS,
    abortSignal?: AbortSignal,
  ) {
    super(text, engine, connOptions, abortSignal);
  }
  protected async run(): Promise<void> {
    await synthesize(this.run_, this.inputText, (a) => this.queue.put(a));
  }
}

class ScriptedTTS extends tts.TTS {
  label = 'scripted-tts';
  constructor(
    private readonly run: ConversationRun,
    streaming: boolean,
  ) {
    super(24_000, 1, { streaming });
  }
  synthesize(
    text: string,
    connOptions?: typeof DEFAULT_API_CONNECT_OPTIONS,
    abortSignal?: AbortSignal,
  ): tts.ChunkedStream {
    return new ScriptedChunkedStream(text, this.run, this, connOptions, abortSignal);
  }
  stream(o?: { connOptions?: typeof DEFAULT_API_CONNECT_OPTIONS }): tts.SynthesizeStream {
    return new ScriptedTTSStream(this.run, this, o?.connOptions);
  }
}

/**
 * An audio sink that plays in real time, as a phone line does: playback starts with the first
 * frame and finishes when the audio's length has passed, or at once when the agent clears it.
 */
class RealTimeOutput extends AudioOutput {
  private startedAt: number | undefined;
  private lengthMs = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly run: ConversationRun) {
    super(24_000);
  }
  override async captureFrame(frame: AudioFrame): Promise<void> {
    await super.captureFrame(frame);
    if (this.startedAt === undefined) {
      this.startedAt = Date.now();
      const m = this.run.replying();
      if (m !== undefined) m.playbackStarted = this.startedAt;
      this.onPlaybackStarted(this.startedAt);
    }
    this.lengthMs += (frame.samplesPerChannel / frame.sampleRate) * 1000;
  }
  override flush(): void {
    super.flush();
    const start = this.startedAt;
    if (start === undefined) return;
    this.timer = setTimeout(() => this.finish(false), Math.max(0, start + this.lengthMs - Date.now()));
  }
  clearBuffer(): void {
    if (this.startedAt === undefined) return;
    clearTimeout(this.timer);
    this.finish(true);
  }
  private finish(interrupted: boolean): void {
    const start = this.startedAt as number;
    const m = this.run.replying();
    if (m !== undefined) {
      m.playbackEnded = Date.now();
      m.interrupted = interrupted;
    }
    this.startedAt = undefined;
    const played = Math.min(Date.now() - start, this.lengthMs);
    this.lengthMs = 0;
    this.onPlaybackFinished({ playbackPosition: played / 1000, interrupted });
  }
}

/** The caller's line: the script pushes 20 ms frames into it. */
class LineInput extends AudioInput {
  private controller!: ReadableStreamDefaultController<AudioFrame>;
  constructor() {
    super();
    this.multiStream.addInputStream(
      new ReadableStream<AudioFrame>({
        start: (c) => {
          this.controller = c;
        },
      }),
    );
  }
  push(frame: AudioFrame): void {
    this.controller.enqueue(frame);
  }
}

/** One run of the script: its fakes and their marks. */
export class ConversationRun {
  readonly marks: TurnMarks[];
  constructor(readonly script: readonly ScriptedTurn[]) {
    this.marks = script.map(() => ({}));
  }
  /** The marks of the reply playing out: the last turn whose LLM was asked. */
  replying(): TurnMarks | undefined {
    return this.marks.findLast((m) => m.llmRequested !== undefined);
  }
}

/** What runConversation needs: the OpenTelemetry processors the provider exports through. */
export interface RunOptions {
  /** Endpointing: the turn is committed this long after the VAD's end of speech. */
  minDelayMs: number;
  /**
   * LiveKit's preemptive generation (the package's default: on): the LLM and TTS start at the
   * final transcript, before the turn is committed; off, they start at the commit.
   */
  preemptive: boolean;
  /** A streaming TTS, or a chunked one the package adapts (two nested `tts_request`s). */
  ttsStreaming: boolean;
  spanProcessors: SpanProcessor[];
  /** Set on every span by the package's own span metadata (setTracerProvider's `metadata`). */
  metadata: Record<string, string>;
  /** The resource's service.name (the agent's name as sidetone labels it when configured). */
  serviceName: string;
}

/**
 * Run `script` through a real AgentSession in real time and return the fakes' marks once the
 * session is closed and every span has been handed to the processors (flushed).
 *
 * The session: VAD turn detection (LiveKit's end-of-turn model needs a download; not run here),
 * endpointing min delay `minDelayMs`, VAD interruptions after 300 ms of caller speech, preemptive
 * generation as asked, the package's defaults otherwise.
 */
export async function runConversation(
  script: readonly ScriptedTurn[],
  options: RunOptions,
): Promise<ConversationRun> {
  initializeLogger({ pretty: false, level: 'silent' });
  // The package's documented set-up (telemetry/traces.ts setTracerProvider): an SDK 2.x provider
  // built around a fan-out the package can add its processors to, registered so the async
  // context manager carries the parent span (without it every node span is a root: measured).
  const fanout = new telemetry.FanoutSpanProcessor();
  const provider = new NodeTracerProvider({
    // Merged with the SDK's default resource: alone, a resource given here replaces it, and with
    // it `telemetry.sdk.language`, what tells sidetone the units (src/sources/otlp/units.ts).
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': options.serviceName })),
    spanProcessors: [...options.spanProcessors, fanout],
  });
  provider.register();
  telemetry.setTracerProvider(provider, {
    metadata: options.metadata,
    registerSpanProcessor: (p) => fanout.add(p),
  });

  const run = new ConversationRun(script);
  const vad = new ScriptedVAD();
  const words = new ScriptedSTT();
  const session = new AgentSession({
    vad,
    stt: words,
    llm: new ScriptedLLM(run),
    tts: new ScriptedTTS(run, options.ttsStreaming),
    turnHandling: {
      turnDetection: 'vad',
      endpointing: { minDelay: options.minDelayMs, maxDelay: 6000 },
      interruption: { mode: 'vad', minDuration: 300 },
      preemptiveGeneration: { enabled: options.preemptive },
    },
  });
  const line = new LineInput();
  session.input.audio = line;
  session.output.audio = new RealTimeOutput(run);
  await session.start({ agent: new Agent({ instructions: 'You answer order questions.' }) });
  const pump = setInterval(() => line.push(lineFrame()), 20);
  try {
    await until(() => vad.streams.length > 0 && words.streams.length > 0, 'the VAD and STT streams', {
      everyMs: 5,
    });
    const v = vad.streams.at(-1) as ScriptedVADStream;
    const finals = words.streams.at(-1) as ScriptedSpeechStream;
    const idle = (m: TurnMarks) =>
      until(() => m.playbackEnded !== undefined, 'the reply played out', { everyMs: 5 });
    let speechMs = 0;
    for (let i = 0; i < script.length; i++) {
      const turn = script[i] as ScriptedTurn;
      const m = run.marks[i] as TurnMarks;
      const barge = script[i - 1]?.bargeInAfterMs;
      if (barge !== undefined) {
        // The previous reply is playing: the caller talks over it. The VAD reports the speech
        // growing every 50 ms; at 300 ms (minDuration) the package interrupts the reply.
        const prev = run.marks[i - 1] as TurnMarks;
        const started = await until(() => prev.playbackStarted, 'the reply to barge in on', { everyMs: 1 });
        await sleep(started + barge - Date.now());
      }
      m.userStarted = Date.now();
      v.emit(vadEvent(VADEventType.START_OF_SPEECH));
      for (speechMs = 50; speechMs <= turn.speechMs; speechMs += 50) {
        await sleep(50);
        v.emit(vadEvent(VADEventType.INFERENCE_DONE, { speechDuration: speechMs, speaking: true }));
      }
      m.userStopped = Date.now();
      v.emit(vadEvent(VADEventType.END_OF_SPEECH, { speechDuration: turn.speechMs }));
      await sleep(turn.sttMs);
      m.sttFinal = Date.now();
      finals.final(turn.words);
      if (turn.bargeInAfterMs === undefined) await idle(m);
    }
  } finally {
    clearInterval(pump);
    await session.close();
    await provider.forceFlush();
    await provider.shutdown();
  }
  return run;
}
