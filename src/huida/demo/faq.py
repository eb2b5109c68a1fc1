"""The demo robot's knowledge: the FAQ of a fictional online shop (订单、物流、退换货、支付、发票、账号、会员).

It shows every answer type: text, an image (a size chart drawn at seed time), a news article with a
thumbnail, a two-level menu (the top menu carries the transfer-to-human button) and a transfer to a
human agent. Data lives in tables; the functions only turn them into rule drafts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.demo.pictures import promo_banner_png, size_chart_png
from huida.knowledge.schemas import RuleDraft, RuleIn, to_draft
from huida.knowledge.service import bulk_write, validate_drafts
from huida.materials.paths import media_stream_path
from huida.materials.schemas import ArticleIn
from huida.materials.service import create_article, store_media
from huida.robots.models import Robot
from huida.robots.service import merged_settings

WELCOME = "您好，我是小答，回答商城的智能客服。您可以直接提问，或输入「帮助中心」查看常见问题菜单。"

# (rule id, category, [standard question, similar questions...], answer)
TEXT_RULES: list[tuple[str, str, list[str], str]] = [
    ("order-status", "订单", ["怎么查询订单状态？", "我的订单到哪一步了", "在哪里查看订单进度", "订单详情在哪看"],
     "登录后进入「我的 - 我的订单」，点击对应订单即可查看状态、物流和售后进度。"),
    ("order-cancel", "订单", ["如何取消订单？", "下错单了怎么取消", "不想要了能取消订单吗"],
     "订单在「待发货」之前可以在订单详情页点击「取消订单」，款项将在 1-3 个工作日内原路退回；"
     "已发货的订单请在签收后申请退货。"),
    ("order-address", "订单", ["下单后可以修改收货地址吗？", "收货地址填错了怎么办", "怎么改收货地址"],
     "订单发货前可在订单详情页点击「修改地址」；如果已经发货，请联系人工客服协助拦截改派。"),
    ("shipping-time", "物流配送", ["下单后多久发货？", "什么时候发货", "几天能发货", "付款后多久能发出"],
     "现货商品在付款后 48 小时内发货，预售商品以商品页标注的发货时间为准。"),
    ("shipping-fee", "物流配送", ["运费怎么算？", "包邮吗", "满多少包邮"],
     "单笔订单实付满 99 元包邮（港澳台及海外除外），不满 99 元收取 8 元运费。"),
    ("shipping-track", "物流配送", ["怎么查看物流信息？", "快递单号在哪看", "物流信息一直不更新怎么办"],
     "在订单详情页可以看到快递公司和运单号；物流信息超过 48 小时未更新，请联系人工客服帮您催件。"),
    ("shipping-courier", "物流配送", ["你们发什么快递？", "可以指定快递公司吗", "用的是哪家快递"],
     "默认发顺丰或中通，系统根据收货地址自动选择最快的快递，暂不支持指定快递公司。"),
    ("return-policy", "退换货", ["支持七天无理由退货吗？", "可以退货吗", "退货政策是什么"],
     "签收后 7 天内，商品完好、不影响二次销售即可申请无理由退货；贴身衣物和定制商品除外。"),
    ("return-how", "退换货", ["怎么申请退货？", "退货流程是什么", "如何办理退货退款"],
     "进入「我的订单」，选择商品点击「申请售后 - 退货退款」，填写原因并提交，审核通过后按页面地址寄回即可。"),
    ("exchange-size", "退换货", ["尺码不合适可以换吗？", "怎么换货", "想换个尺码"],
     "签收后 7 天内可以申请换货，在「申请售后 - 换货」中选择新的尺码，换货运费由商城承担。"),
    ("refund-time", "退换货", ["退款多久到账？", "退款什么时候到", "钱什么时候退回来"],
     "仓库签收退货后 24 小时内完成退款，原路退回：微信和支付宝即时到账，银行卡 1-5 个工作日。"),
    ("pay-methods", "支付", ["支持哪些支付方式？", "可以用微信支付吗", "能用信用卡付款吗", "支持花呗吗"],
     "支持微信支付、支付宝（含花呗）、银联云闪付和各大银行的信用卡、储蓄卡。"),
    ("pay-failed", "支付", ["支付失败怎么办？", "付款一直不成功", "扣款了订单还显示未支付"],
     "请先确认余额和支付限额后重试；如果已扣款但订单仍显示未支付，系统会在 2 小时内自动核对并更新，或原路退回。"),
    ("invoice-apply", "发票", ["怎么开发票？", "可以开发票吗", "如何申请电子发票"],
     "确认收货后在订单详情页点击「申请开票」，填写抬头和税号，电子发票会在 1 个工作日内发送到您的邮箱。"),
    ("invoice-vat", "发票", ["可以开增值税专用发票吗？", "公司报销需要专票", "怎么开专票"],
     "可以。请在「申请开票」中选择「增值税专用发票」并上传开票资料，纸质专票审核后 5 个工作日内寄出。"),
    ("account-password", "账号", ["忘记密码怎么办？", "怎么修改登录密码", "重置密码"],
     "在登录页点击「忘记密码」，通过绑定手机号接收验证码即可重置；登录后也可以在「设置 - 账号安全」中修改。"),
    ("account-phone", "账号", ["怎么更换绑定的手机号？", "手机号换了怎么办", "修改绑定手机"],
     "进入「设置 - 账号安全 - 手机号」，验证原手机号后绑定新号码；原号码已停用时请联系人工客服人工核验。"),
    ("account-delete", "账号", ["如何注销账号？", "怎么注销账户", "我想删除我的账号"],
     "进入「设置 - 账号安全 - 注销账号」，确认没有进行中的订单和售后后提交申请，7 天冷静期后完成注销。"),
    ("member-levels", "会员", ["会员有什么权益？", "会员等级怎么划分", "成为会员有什么好处"],
     "会员分为银卡、金卡和黑金三个等级，按近 12 个月消费累计升级，可享受专属折扣、生日礼包和优先客服。"),
    ("member-points", "会员", ["积分怎么使用？", "积分可以抵现吗", "积分有效期多久"],
     "每消费 1 元得 1 积分，100 积分可抵 1 元，下单时勾选「积分抵扣」即可；积分自获得起有效期 12 个月。"),
    ("service-hours", "人工服务", ["客服工作时间是什么时候？", "人工客服几点上班", "客服什么时候在线"],
     "智能客服小答 24 小时在线；人工客服时间为每天 9:00-21:00。"),
]

# Second-level menus: (rule id, [questions], title, [target rule ids])
SUB_MENUS: list[tuple[str, list[str], str, list[str]]] = [
    ("menu-orders", ["订单与物流", "订单和物流问题", "查订单和快递"], "订单与物流，请选择您的问题：",
     ["order-status", "order-cancel", "shipping-time", "shipping-track"]),
    ("menu-after-sales", ["退换货与退款", "售后问题", "退货换货退款"], "退换货与退款，请选择您的问题：",
     ["return-policy", "return-how", "exchange-size", "refund-time"]),
    ("menu-account", ["账号与会员", "账号问题", "会员和积分"], "账号与会员，请选择您的问题：",
     ["account-password", "account-phone", "member-levels", "member-points"]),
]

TOP_MENU = ("menu-help", ["帮助中心", "常见问题", "有哪些问题可以问", "菜单"], "请问您想了解哪方面的问题？")

ARTICLE_HTML = """<h2>618 年中大促</h2>
<p>6 月 1 日至 6 月 18 日，全场商品<strong>低至 5 折</strong>，满 99 元包邮。</p>
<img src="{banner}" alt="618 大促">
<h3>优惠券怎么领</h3>
<ol>
<li>每天 10 点在首页「领券中心」领取满 300 减 50 优惠券，每人每天限领 1 张；</li>
<li>会员额外领取一张无门槛 20 元券；</li>
<li>优惠券可以和积分抵扣同时使用。</li>
</ol>
<p>活动最终解释权归回答商城所有。</p>
"""


def _rule(rule_id: str, category: str, questions: list[str], answer: dict[str, Any]) -> RuleDraft:
    return to_draft(RuleIn(id=rule_id, questions=questions, answers=[answer], category=category))


def _text_rules() -> list[RuleDraft]:
    return [_rule(rule_id, category, questions, {"type": "TEXT", "answer": answer})
            for rule_id, category, questions, answer in TEXT_RULES]


def _title_of(rule_id: str) -> str:
    return next(questions[0] for rid, _, questions, _ in TEXT_RULES if rid == rule_id).rstrip("？?")


def _menu_rules() -> list[RuleDraft]:
    rules = [
        _rule(rule_id, "导航", questions, {"type": "MENU", "content": {
            "title": title, "items": [{"knowledgeId": t, "text": _title_of(t)} for t in targets]}})
        for rule_id, questions, title, targets in SUB_MENUS
    ]
    top_id, questions, title = TOP_MENU
    items = [{"knowledgeId": rule_id, "text": questions[0]} for rule_id, questions, _, _ in SUB_MENUS]
    content = {"title": title, "items": items, "transferToHuman": True}
    return [_rule(top_id, "导航", questions, {"type": "MENU", "content": content}), *rules]


def _human_rule() -> RuleDraft:
    content = {"transferPrompt": "非常抱歉给您带来不好的体验，正在为您转接售后专员，请稍候。",
               "enableTransferPrompt": True, "properties": {"skillGroup": "售后投诉", "priority": "high"}}
    return _rule("human-complaint", "人工服务", ["我要投诉", "投诉商品质量问题", "对你们的服务很不满意", "找你们主管"],
                 {"type": "HUMAN", "content": content})


def _media_rules(session: Session, tenant_id: int) -> list[RuleDraft]:
    chart = store_media(session, tenant_id, size_chart_png(), "尺码表.png")
    banner = store_media(session, tenant_id, promo_banner_png(), "618大促.png")
    article = create_article(session, tenant_id, ArticleIn(
        title="618 年中大促：全场低至 5 折", digest="6 月 1 日至 18 日全场低至 5 折，每天 10 点领满 300 减 50 优惠券。",
        html=ARTICLE_HTML.format(banner=media_stream_path(tenant_id, banner.id)), thumbMediaId=banner.id))
    return [
        _rule("size-chart", "退换货", ["怎么选尺码？", "尺码表", "我穿多大码合适", "衣服尺码对照表"],
              {"type": "PIC", "content": {"mediaId": chart.id}}),
        _rule("promo-618", "会员", ["最近有什么优惠活动？", "618 有什么活动", "优惠券怎么领"],
              {"type": "NEWS", "content": {"articleIds": [article.id]}}),
    ]


def _set_welcome(session: Session, robot_id: str) -> None:
    robot = session.scalars(select(Robot).where(Robot.robot_id == robot_id)).one()
    # The transfer button sits on the top menu only (its own transferToHuman flag), not on every menu.
    robot.settings = merged_settings(robot.settings, {"welcomeText": WELCOME})


def load_demo_knowledge(session: Session, tenant_id: int, robot_id: str) -> None:
    """Writes the demo shop's media, article and rules for the robot (inside the caller's transaction)."""
    drafts = [*_text_rules(), *_media_rules(session, tenant_id), *_menu_rules(), _human_rule()]
    validate_drafts(session, tenant_id, robot_id, drafts, {d.rule_id for d in drafts if d.rule_id})
    bulk_write(session, robot_id, drafts, replace_all=False)
    _set_welcome(session, robot_id)
