//! What each platform error code means for the caller: whether a retry can
//! succeed, and what to do, in English and Chinese (PROTOCOL.md, "Top-level
//! error codes"). Protocol-level data only: the per-API business codes come
//! from the spec (`api.response.codes`).

use crate::spec::Text;

/// When a TOP `error_response` code may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Retry {
    /// Never, whatever the sub-code: the same request fails the same way.
    Never,
    /// Not retryable, unless an `isp.*` sub-code blames the platform.
    BySubCode,
    /// After the ban the message states (code 7).
    AfterBan,
    /// A transient fault, unless an `isv.*` sub-code blames the request (10, 15).
    UnlessIsv,
}

pub(super) struct TopCode {
    pub code: &'static str,
    pub retry: Retry,
    /// A catch-all code (15, 50) whose sub-code says more than it does: the
    /// sub-code's hint wins.
    pub generic: bool,
    pub hint: Text,
}

const fn code(
    code: &'static str,
    retry: Retry,
    generic: bool,
    en: &'static str,
    zh: &'static str,
) -> TopCode {
    TopCode {
        code,
        retry,
        generic,
        hint: Text { zh, en },
    }
}

use Retry::{AfterBan, BySubCode, Never, UnlessIsv};

/// Every top-level code PROTOCOL.md lists.
pub(super) static TOP_CODES: &[TopCode] = &[
    code("7", AfterBan, false,
        "Call limit reached (the sub_code names the limit: app, API, session or IP). Wait retryAfterMs before calling again and lower the call rate; if it keeps happening, ask for a higher quota in the open platform console.",
        "调用频率超限(sub_code 说明触发的是应用、API、会话还是 IP 的限流)。等待 retryAfterMs 毫秒后再调用,并降低调用频率;持续出现请在开放平台控制台申请提升流量。"),
    code("9", BySubCode, false,
        "HTTP method not allowed: call router/rest with POST (or GET).",
        "HTTP 方法不被允许:请用 POST(或 GET)调用 router/rest。"),
    code("10", UnlessIsv, false,
        "Service temporarily unavailable: retry later with a growing back-off.",
        "服务暂时不可用:稍后按递增间隔重试。"),
    code("11", BySubCode, false,
        "The app has no permission for this API: apply for the API's permission package in the open platform console.",
        "应用没有调用该 API 的权限:请在开放平台控制台申请该 API 所在的权限包。"),
    code("12", BySubCode, false,
        "The authorised user (session) has no permission for this API: re-authorise with the scope the API needs.",
        "授权用户(session)没有该 API 的权限:请以该 API 需要的权限范围重新授权。"),
    code("15", UnlessIsv, true,
        "Remote service error: the business service behind the gateway failed. Without an isv.* sub-code it is transient: retry later with a growing back-off.",
        "远程服务错误:网关后面的业务服务出错。没有 isv.* 子错误码时是暂时性的:稍后按递增间隔重试。"),
    code("21", Never, false,
        "Missing method: send the `method` system parameter.",
        "缺少方法名:请传系统参数 method。"),
    code("22", Never, false,
        "Invalid method: check the API name (spelling, the `taobao.` prefix) and that the app may call it.",
        "方法名无效:请检查 API 名称(拼写、taobao. 前缀)以及应用是否可以调用它。"),
    code("23", Never, false,
        "Invalid format: `format` must be json or xml.",
        "format 无效:只能是 json 或 xml。"),
    code("24", Never, false,
        "Missing signature: send `sign` and `sign_method`.",
        "缺少签名:请传 sign 和 sign_method。"),
    code("25", Never, false,
        "Invalid signature: check the app secret, that the signing method matches sign_method (md5, hmac, hmac-sha256), that every parameter sent is signed (sorted by name, empty values dropped, sign excluded) and that all values are UTF-8.",
        "签名无效:请检查 App Secret、签名算法是否与 sign_method(md5、hmac、hmac-sha256)一致、所有发送的参数是否都参与了签名(按名称排序、去掉空值、不含 sign),以及所有值是否为 UTF-8 编码。"),
    code("26", Never, false,
        "Missing session: this API needs user authorisation; send the user's `session` (access token).",
        "缺少 session:该 API 需要用户授权,请传用户的 session(access token)。"),
    code("27", Never, false,
        "Invalid session: the session has expired or was revoked; have the user re-authorise the app (OAuth) to get a new one.",
        "session 无效:已过期或被取消授权,请让用户重新授权(OAuth)以获得新的 session。"),
    code("28", Never, false,
        "Missing app_key: send the `app_key` system parameter.",
        "缺少 app_key:请传系统参数 app_key。"),
    code("29", Never, false,
        "Invalid app key: check app_key, and that it belongs to the environment called (sandbox or production).",
        "app_key 无效:请检查 app_key,以及它是否属于所调用的环境(沙箱或正式)。"),
    code("30", Never, false,
        "Missing timestamp: send `timestamp` as GMT+8 `yyyy-MM-dd HH:mm:ss`.",
        "缺少时间戳:请按 GMT+8 的 yyyy-MM-dd HH:mm:ss 传 timestamp。"),
    code("31", Never, false,
        "Invalid timestamp: it must be GMT+8 (Asia/Shanghai) `yyyy-MM-dd HH:mm:ss`, whatever the caller's time zone, and within 10 minutes of the gateway's clock: check the machine's clock and the time zone used.",
        "时间戳无效:必须是 GMT+8(北京时间)的 yyyy-MM-dd HH:mm:ss(与调用方所在时区无关),且与网关时间相差不超过 10 分钟:请检查服务器时钟和所用时区。"),
    code("32", Never, false,
        "Missing version: send `v=2.0`.",
        "缺少版本号:请传 v=2.0。"),
    code("33", Never, false,
        "Invalid version: `v` must be 2.0.",
        "版本号无效:v 必须是 2.0。"),
    code("34", Never, false,
        "Unsupported version: use `v=2.0`.",
        "不支持的版本号:请使用 v=2.0。"),
    code("40", Never, false,
        "Missing required arguments: run validate() on the payload to find the field (sub_msg names it), fix it and send again.",
        "缺少必选参数:请对报文运行 validate() 找到该字段(sub_msg 中有字段名),改正后再发送。"),
    code("41", Never, false,
        "Invalid arguments: run validate() on the payload to find the field (sub_msg names it), fix it and send again.",
        "参数错误:请对报文运行 validate() 找到该字段(sub_msg 中有字段名),改正后再发送。"),
    code("42", BySubCode, false,
        "Forbidden request: the call is blocked (IP white list, app status, API switched off); check the app's settings in the console.",
        "请求被禁止:调用被拦截(IP 白名单、应用状态、API 已下线),请在控制台检查应用设置。"),
    code("43", BySubCode, false,
        "Parameter error: run validate() on the payload to find the field, fix it and send again.",
        "参数错误:请对报文运行 validate() 找到出错字段,改正后再发送。"),
    code("50", BySubCode, true,
        "Business error: the sub_code and sub_msg say what the service rejected.",
        "业务错误:sub_code 和 sub_msg 说明了业务服务拒绝的原因。"),
];

pub(super) const UNKNOWN_CODE: Text = Text {
    en: "An error code this library does not know: read msg and sub_msg; do not retry unchanged.",
    zh: "未知错误码:请阅读 msg 和 sub_msg;不要原样重试。",
};

pub(super) struct SubCode {
    /// The sub-code, or its prefix when it ends with `.`.
    pub pattern: &'static str,
    pub retryable: bool,
    pub hint: Text,
}

/// Sub-codes, most specific first.
pub(super) static SUB_CODES: &[SubCode] = &[
    SubCode {
        pattern: "isv.invalid-parameter",
        retryable: false,
        hint: Text {
            en: "Invalid parameter: run validate() on the payload to find the field (sub_msg may name it), fix it and send again; retrying unchanged fails the same way.",
            zh: "参数非法:请对报文运行 validate() 找到出错字段(sub_msg 可能给出字段名),改正后再发送;原样重试仍会失败。",
        },
    },
    SubCode {
        pattern: "isv.missing-parameter",
        retryable: false,
        hint: Text {
            en: "Missing parameter: run validate() on the payload to find the required field, fill it and send again.",
            zh: "缺少参数:请对报文运行 validate() 找到缺少的必填字段,补上后再发送。",
        },
    },
    SubCode {
        pattern: "isp.",
        retryable: true,
        hint: Text {
            en: "A fault of the platform itself (isp.*): retry later with a growing back-off.",
            zh: "平台自身的故障(isp.*):稍后按递增间隔重试。",
        },
    },
    SubCode {
        pattern: "isv.",
        retryable: false,
        hint: Text {
            en: "The service rejected the request's content (isv.*): read sub_msg, fix the data and send again; retrying unchanged fails the same way.",
            zh: "业务服务拒绝了请求内容(isv.*):请阅读 sub_msg,改正数据后再发送;原样重试仍会失败。",
        },
    },
];

pub(super) fn top_code(code: &str) -> Option<&'static TopCode> {
    TOP_CODES.iter().find(|c| c.code == code)
}

pub(super) fn sub_code(sub: &str) -> Option<&'static SubCode> {
    SUB_CODES.iter().find(|s| {
        if s.pattern.ends_with('.') {
            sub.starts_with(s.pattern)
        } else {
            sub == s.pattern
        }
    })
}

/// Qimen `failure` codes with a known meaning (the gateway's or a receiver's).
pub(super) static QIMEN_CODES: &[(&str, Text)] = &[(
    "sign-check-failure",
    Text {
        en: "The receiver could not verify the signature: check the app secret, sign_method=md5, that every query parameter (customerId included) is signed, and that the signed body is byte for byte the body sent. Never retry unchanged.",
        zh: "接收方验签失败:请检查 App Secret、sign_method=md5、所有查询参数(包括 customerId)是否都参与签名,以及签名用的报文与实际发送的报文是否逐字节一致。不要原样重试。",
    },
)];

pub(super) const QIMEN_FAILURE: Text = Text {
    en: "The receiver (WMS/ERP) answered flag=failure: read code and message, fix the data and send again; retrying unchanged fails the same way.",
    zh: "接收方(WMS/ERP)返回 flag=failure:请阅读 code 和 message,改正数据后再发送;原样重试仍会失败。",
};

/// The wait a code-7 ban states ("This ban will last for 3 more seconds",
/// "还剩3秒"), in milliseconds; `None` when no duration is stated.
pub(super) fn stated_wait_ms(text: &str) -> Option<u64> {
    let lower = text.to_ascii_lowercase();
    let mut start = None;
    for (i, c) in lower
        .char_indices()
        .chain(std::iter::once((lower.len(), ' ')))
    {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                start = None;
                let (Some(digits), Some(after)) = (lower.get(s..i), lower.get(i..)) else {
                    continue;
                };
                let Ok(n) = digits.parse::<u64>() else {
                    continue;
                };
                let after = after.trim_start();
                let after = after.strip_prefix("more").unwrap_or(after).trim_start();
                let unit = if after.starts_with("ms")
                    || after.starts_with("millisecond")
                    || after.starts_with("毫秒")
                {
                    1
                } else if after.starts_with("min") || after.starts_with("分钟") {
                    60_000
                } else if after.starts_with('s') || after.starts_with('秒') {
                    1000
                } else {
                    continue;
                };
                return Some(n.saturating_mul(unit));
            }
            _ => {}
        }
    }
    None
}
