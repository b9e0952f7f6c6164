/** The user's side of support: the start form, the state line above their chat, the notices in it. */
export const en = {
  "support.title": "Talk to a counselor",
  "support.intro":
    "Ask about courses, bootcamps and events. A counselor will answer here and can send you programs.",
  "support.yourName": "Your name",
  "support.start": "Start chatting",
  "support.orLogIn": "Or {link} to keep your conversation across devices.",
  "support.logInLink": "log in",
  "support.state.waiting": "Ask your question below; a counselor will join you shortly.",
  "support.state.active": "A counselor is with you.",
  "support.state.activeNamed": "{name} is with you.",
  "support.state.closed": "This conversation was closed. Write again and a counselor will pick it up.",
  "support.notice.joined": "{name} joined",
  "support.notice.closed": "{name} closed the conversation",
  "support.notice.transferred": "{name} handed the conversation to {to}",
} as const;

export const ko: Record<keyof typeof en, string> = {
  "support.title": "상담사와 대화하기",
  "support.intro":
    "강좌, 부트캠프, 행사에 대해 무엇이든 물어보세요. 상담사가 여기서 답하고 맞는 프로그램을 보내 드려요.",
  "support.yourName": "이름",
  "support.start": "대화 시작하기",
  "support.orLogIn": "다른 기기에서도 대화를 이어 가려면 {link}하세요.",
  "support.logInLink": "로그인",
  "support.state.waiting": "아래에 질문을 남겨 주세요. 곧 상담사가 들어와요.",
  "support.state.active": "상담사가 함께하고 있어요.",
  "support.state.activeNamed": "{name} 상담사가 함께하고 있어요.",
  "support.state.closed": "종료된 상담이에요. 다시 메시지를 보내면 상담사가 이어서 도와드려요.",
  "support.notice.joined": "{name} 상담사가 대화에 들어왔어요",
  "support.notice.closed": "{name} 상담사가 대화를 종료했어요",
  "support.notice.transferred": "{name} 상담사가 {to} 상담사에게 대화를 넘겼어요",
};
